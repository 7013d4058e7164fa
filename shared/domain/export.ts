/**
 * The members CSV export (API.md "Members"), built to fit one Lambda response for
 * 100,000 members: a synchronous response is at most 6 MB, counted on the JSON
 * document Lambda returns (shared/lambda-limits.ts: escapes and base64 included),
 * and API Gateway waits 29 s. Pages of the member query are turned
 * into rows and, when the client accepts it, streamed through gzip as they arrive,
 * so memory holds one page plus the compressed output. Member CSV compresses about
 * 3.7:1: 100,000 members are 11.5 MB of CSV, 3.1 MB gzipped, a 4.2 MB response
 * (bench/suites/members.ts), so roughly 140,000 members fit. Beyond that the export
 * fails cleanly (422 export_too_large) rather than with Lambda's opaque error.
 */
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import { clock } from '../clock.js';
import { AppError } from '../errors.js';
import { exportedMemberPages, type ExportedMember } from '../data/members.js';
import { csvRow } from './csv.js';
import { fitsInOneResponse, serialisedBinaryBytes, serialisedTextBytes } from '../lambda-limits.js';

export const EXPORT_HEADER = ['member_id', 'full_name', 'email', 'role', 'entry_date', 'status'] as const;

export interface MembersCsv {
  body: Buffer | string;
  gzipped: boolean;
  rows: number;
  /** Size of the CSV before compression. */
  csvBytes: number;
}

const memberRow = (m: ExportedMember) => csvRow([m.userId, m.fullName, m.email, m.role, m.joinedAt, m.status]);

const tooLarge = (gzipped: boolean) => gzipped
  ? new AppError(422, 'export_too_large', 'This workspace has too many members for a single export response.')
  : new AppError(406, 'gzip_required', 'The export is larger than one uncompressed response can carry; request it with Accept-Encoding: gzip.');

export async function exportMembersCsv(workspaceId: string, opts: { gzip: boolean }): Promise<MembersCsv> {
  const pages = exportedMemberPages(workspaceId, clock.nowEpochSeconds());
  const header = csvRow(EXPORT_HEADER);
  let rows = 0;
  let csvBytes = Buffer.byteLength(header);

  if (!opts.gzip) {
    const chunks = [header];
    // What the body adds to the response Lambda returns: every CRLF is `\r\n` there, every `"` is `\"`.
    let serialised = serialisedTextBytes(header);
    for await (const page of pages) {
      const text = page.map(memberRow).join('');
      rows += page.length;
      csvBytes += Buffer.byteLength(text);
      serialised += serialisedTextBytes(text);
      if (!fitsInOneResponse(serialised)) throw tooLarge(false);
      chunks.push(text);
    }
    return { body: chunks.join(''), gzipped: false, rows, csvBytes };
  }

  const gzip = createGzip();
  const out: Buffer[] = [];
  let gzBytes = 0;
  gzip.on('data', (chunk: Buffer) => { out.push(chunk); gzBytes += chunk.length; });
  const ended = once(gzip, 'end');
  const write = async (text: string) => {
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  try {
    await write(header);
    for await (const page of pages) {
      const text = page.map(memberRow).join('');
      rows += page.length;
      csvBytes += Buffer.byteLength(text);
      await write(text);
      if (!fitsInOneResponse(serialisedBinaryBytes(gzBytes))) throw tooLarge(true);
    }
    gzip.end();
    await ended;
  } catch (err) {
    gzip.destroy();
    throw err;
  }
  if (!fitsInOneResponse(serialisedBinaryBytes(gzBytes))) throw tooLarge(true);
  return { body: Buffer.concat(out, gzBytes), gzipped: true, rows, csvBytes };
}
