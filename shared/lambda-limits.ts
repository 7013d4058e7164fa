/**
 * Lambda's synchronous response limit, measured where Lambda measures it: on the
 * JSON document the function returns (status, headers, and the body as a JSON
 * string, escapes included), not on the body's own bytes. A CSV's CRLF becomes
 * `\r\n` (4 bytes), a `"` becomes `\"`, a binary body becomes base64 (4 per 3).
 * Over the limit, Lambda fails the invocation and API Gateway answers 500.
 */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6_291_556;

/** Room kept for the rest of the response document: status code, headers, keys. */
export const RESPONSE_ENVELOPE_BYTES = 16 * 1024;

/** The most a response body may add to the response document. */
export const MAX_SERIALISED_BODY_BYTES = LAMBDA_RESPONSE_LIMIT_BYTES - RESPONSE_ENVELOPE_BYTES;

/** Bytes a text body adds to the response document: its JSON string literal, quotes excluded. */
export const serialisedTextBytes = (text: string): number => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;

/** Bytes a binary body of `n` bytes adds to the response document (base64, no escapes needed). */
export const serialisedBinaryBytes = (n: number): number => 4 * Math.ceil(n / 3);

/** Size of the document Lambda returns for this result. */
export const lambdaResponseBytes = (result: unknown): number => Buffer.byteLength(JSON.stringify(result) ?? '', 'utf8');

/** Does a body that adds this many bytes to the response document fit in one Lambda response? */
export const fitsInOneResponse = (serialisedBodyBytes: number): boolean => serialisedBodyBytes <= MAX_SERIALISED_BODY_BYTES;
