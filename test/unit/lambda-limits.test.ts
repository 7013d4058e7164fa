/**
 * Lambda's 6 MB response limit is on the JSON document a function returns, so the
 * export measures its body as that document will carry it (shared/lambda-limits.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvRow } from '../../shared/domain/csv.js';
import {
  fitsInOneResponse, lambdaResponseBytes, LAMBDA_RESPONSE_LIMIT_BYTES, MAX_SERIALISED_BODY_BYTES, serialisedBinaryBytes, serialisedTextBytes,
} from '../../shared/lambda-limits.js';

/** A response as the export handler returns it, with headers as large as the middleware stack makes them. */
const exportResponse = (body: string, isBase64Encoded = false) => ({
  statusCode: 200,
  headers: {
    'cache-control': 'no-store', 'x-request-id': '0f6f0c2e-7d1b-4b8e-9d3a-2b7f1c9e8a11', 'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="members-ws_01JZ00000000000000000000AA.csv"', vary: 'accept-encoding',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'strict-transport-security': 'max-age=15552000; includeSubDomains; preload',
    'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin', 'x-dns-prefetch-control': 'off', 'x-download-options': 'noopen', 'x-permitted-cross-domain-policies': 'none',
    'origin-agent-cluster': '?1', 'permissions-policy': 'accelerometer=(), camera=(), geolocation=(), microphone=(), payment=(), usb=()', server: '',
    ...(isBase64Encoded ? { 'content-encoding': 'gzip' } : {}),
  },
  body,
  isBase64Encoded,
});

describe('the size a body adds to the Lambda response document', () => {
  it('is exactly the growth of the serialised response, for any text (escapes, CRLF, quotes, non-ASCII, lone surrogates)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      expect(lambdaResponseBytes({ statusCode: 200, body: text }) - lambdaResponseBytes({ statusCode: 200, body: '' })).toBe(serialisedTextBytes(text));
    }), { numRuns: 500 });
    expect(serialisedTextBytes('a,b\r\n')).toBe(7);
    expect(serialisedTextBytes('"x"')).toBe(5);
    expect(serialisedTextBytes('\u0001')).toBe(6);
    expect(serialisedTextBytes('Zoë')).toBe(4);
  });

  it('a binary body adds its base64 length', () => {
    for (const n of [0, 1, 2, 3, 4, 1000, 4_700_000]) {
      expect(serialisedBinaryBytes(n)).toBe(Buffer.alloc(n).toString('base64').length);
    }
  });
});

describe('the export size check', () => {
  it('refuses the issue\'s CSV: 52,686 rows, 6.26 MB raw (under the old raw-byte check), over Lambda\'s limit once serialised', () => {
    // Rows of 118 bytes, about the report's average (6.26 MB / 52,686).
    const n = (i: number) => String(i).padStart(5, '0');
    const row = (i: number) => csvRow([`usr_01JZ${String(i).padStart(22, '0')}`, `Member ${n(i)} Smiths`, `memb${n(i)}@example.com`, 'contributor', '2026-11-22T09:31:07.000Z', 'active']);
    const csv = csvRow(['member_id', 'full_name', 'email', 'role', 'entry_date', 'status']) + Array.from({ length: 52_686 }, (_, i) => row(i)).join('');
    const raw = Buffer.byteLength(csv);
    expect(raw).toBeGreaterThan(6_200_000);
    expect(raw).toBeLessThanOrEqual(6 * 1024 * 1024 - 32 * 1024); // the old check let it through
    expect(lambdaResponseBytes(exportResponse(csv))).toBeGreaterThan(LAMBDA_RESPONSE_LIMIT_BYTES); // and Lambda would refuse it
    expect(fitsInOneResponse(serialisedTextBytes(csv))).toBe(false);
  });

  it('at the boundary: the largest body it accepts makes a response within Lambda\'s limit, one byte more is refused', () => {
    // Rows whose escapes grow them (CRLF, quotes), then padding to land exactly on the boundary.
    const rows = csvRow(['usr_1', 'Ada "The Countess" Lovelace', 'ada@example.com', 'owner', '2026-11-22T09:31:07.000Z', 'active']).repeat(40_000);
    const at = rows + 'x'.repeat(MAX_SERIALISED_BODY_BYTES - serialisedTextBytes(rows));
    expect(serialisedTextBytes(at)).toBe(MAX_SERIALISED_BODY_BYTES);
    expect(fitsInOneResponse(serialisedTextBytes(at))).toBe(true);
    expect(lambdaResponseBytes(exportResponse(at))).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT_BYTES);
    expect(fitsInOneResponse(serialisedTextBytes(`${at}x`))).toBe(false);

    // gzip: the largest accepted binary body, base64 in the response, also fits.
    const maxGzip = Math.floor(MAX_SERIALISED_BODY_BYTES / 4) * 3;
    expect(fitsInOneResponse(serialisedBinaryBytes(maxGzip))).toBe(true);
    expect(fitsInOneResponse(serialisedBinaryBytes(maxGzip + 1))).toBe(false);
    expect(lambdaResponseBytes(exportResponse(Buffer.alloc(maxGzip).toString('base64'), true))).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT_BYTES);
  });
});
