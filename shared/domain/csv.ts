/**
 * CSV cells and rows: RFC 4180 quoting, with spreadsheet formula injection
 * neutralised (OWASP "CSV Injection"): a cell a spreadsheet would read as a formula
 * gets a leading single quote, which makes Excel, LibreOffice and Sheets show it as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTING = /[",\r\n]/;

export function csvCell(value: string): string {
  const inert = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTING.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}

/** One record, CRLF-terminated as RFC 4180 says. */
export const csvRow = (cells: readonly string[]): string => `${cells.map(csvCell).join(',')}\r\n`;
