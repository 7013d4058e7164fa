import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../shared/domain/csv.js';
import { parseCsv } from '../support/csv-reader.js';


describe('csvCell', () => {
  it('leaves plain text alone', () => {
    expect(csvCell('Ada Lovelace')).toBe('Ada Lovelace');
    expect(csvCell('')).toBe('');
    expect(csvCell('usr_01JF0000000000000000000000')).toBe('usr_01JF0000000000000000000000');
  });

  it('quotes a cell with a comma', () => {
    expect(csvCell('Lovelace, Ada')).toBe('"Lovelace, Ada"');
  });

  it('quotes a cell with quotes and doubles them', () => {
    expect(csvCell('Ada "Countess" Lovelace')).toBe('"Ada ""Countess"" Lovelace"');
    expect(csvCell('"')).toBe('""""');
  });

  it('quotes a cell with a line break (LF, CR or CRLF)', () => {
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell('a\rb')).toBe('"a\rb"');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['=1+2', "'=1+2"],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+2', "'\t=1+2"],
    ['\r=1+2', `"'\r=1+2"`],
  ])('neutralises a formula-looking cell %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('only looks at the first character for formulas', () => {
    expect(csvCell('Ada = Countess')).toBe('Ada = Countess');
    expect(csvCell('ada+tag@example.com')).toBe('ada+tag@example.com');
  });
});

describe('csvRow', () => {
  it('joins cells with commas and ends with CRLF', () => {
    expect(csvRow(['a', 'b', 'c'])).toBe('a,b,c\r\n');
  });

  it('round-trips through an RFC 4180 reader, with formulas made inert', () => {
    const cells = ['usr_1', 'Lovelace, "Ada"\nCountess', '=cmd|\' /C calc\'!A0', '-1', '@x', 'plain'];
    const [parsed] = parseCsv(csvRow(cells));
    expect(parsed).toEqual(['usr_1', 'Lovelace, "Ada"\nCountess', "'=cmd|' /C calc'!A0", "'-1", "'@x", 'plain']);
  });
});
