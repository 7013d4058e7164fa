/**
 * Pure parsing rules, without HTTP: the invitation address list (one string or a
 * list; seed 002's comma-separated form) and OAuth client credentials (RFC 6749
 * §2.3.1: Basic, form-urlencoded before base64, or form fields; never both).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseEmails } from '../../shared/domain/invitations.js';
import { assertNoRepeatedParameters, readClientCredentials } from '../../shared/http/oauth-client.js';
import { OAuthError, ValidationError } from '../../shared/errors.js';

describe('parseEmails', () => {
  it('splits one string on commas, semicolons and new lines, trims, and keeps the first of each address (case-insensitive)', () => {
    expect(parseEmails('joe.smith@example.com, mary.jones@example.com')).toEqual({
      valid: ['joe.smith@example.com', 'mary.jones@example.com'], order: ['joe.smith@example.com', 'mary.jones@example.com'],
    });
    expect(parseEmails(' A@x.io ;b@x.io\r\n\na@X.IO,, ')).toEqual({ valid: ['a@x.io', 'b@x.io'], order: ['a@x.io', 'b@x.io'] });
  });

  it('keeps invalid addresses in the order (each gets a result) but not among the valid ones', () => {
    expect(parseEmails(['ok@x.io', 'not-an-email', 'x@'])).toEqual({ valid: ['ok@x.io'], order: ['ok@x.io', 'not-an-email', 'x@'] });
  });

  it('refuses nothing at all, and more than 100 addresses', () => {
    expect(() => parseEmails(' , ;\n')).toThrow(ValidationError);
    expect(() => parseEmails([])).toThrow(ValidationError);
    const many = Array.from({ length: 101 }, (_, i) => `p${i}@x.io`);
    expect(() => parseEmails(many)).toThrow('At most 100 addresses per request.');
    expect(parseEmails(many.slice(0, 100)).valid).toHaveLength(100);
  });

  it('the string and the list form agree, and every address appears once whatever the repeats', () => {
    const address = fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom('x.io', 'Example.COM')).map(([l, d]) => `${l}@${d}`);
    fc.assert(fc.property(fc.array(address, { minLength: 1, maxLength: 30 }), fc.constantFrom(', ', ';', '\n', '\r\n'), (list, sep) => {
      const fromList = parseEmails(list);
      expect(parseEmails(list.join(sep))).toEqual(fromList);
      expect(new Set(fromList.order).size).toBe(fromList.order.length);
      expect(new Set(fromList.order)).toEqual(new Set(list.map((e) => e.toLowerCase())));
      expect(fromList.valid).toEqual(fromList.order);
    }));
  });
});

describe('readClientCredentials', () => {
  const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(OAuthError);
      const e = err as OAuthError;
      return { error: e.error, status: e.statusCode, challenge: e.headers?.['www-authenticate'] !== undefined };
    }
    throw new Error('expected a refusal');
  };

  it('reads HTTP Basic, form-urlencoded before base64 (a colon or space in the secret survives)', () => {
    expect(readClientCredentials(basic('app_1:s3cr%3At+x'), {})).toEqual({ clientId: 'app_1', clientSecret: 's3cr:t x', method: 'client_secret_basic' });
    expect(readClientCredentials(`basic  ${Buffer.from('app_1:s').toString('base64')}`, {})).toEqual({ clientId: 'app_1', clientSecret: 's', method: 'client_secret_basic' });
  });

  it('reads form fields; client_id alone is a public client (no credentials)', () => {
    expect(readClientCredentials(undefined, { client_id: 'app_1', client_secret: 's' })).toEqual({ clientId: 'app_1', clientSecret: 's', method: 'client_secret_post' });
    expect(readClientCredentials(undefined, { client_id: 'app_1' })).toBeUndefined();
    expect(readClientCredentials(undefined, {})).toBeUndefined();
  });

  it('a malformed Basic header is invalid_client with the Basic challenge', () => {
    for (const header of ['Bearer abc', 'Basic', 'Basic !!!', basic('no-colon'), basic(':secret'), basic('app_1:'), basic('app_1:%E0%A4%A')]) {
      expect(refusal(() => readClientCredentials(header, {})), header).toEqual({ error: 'invalid_client', status: 401, challenge: true });
    }
  });

  it('two methods at once, or a secret without its client_id, is invalid_request', () => {
    expect(refusal(() => readClientCredentials(basic('app_1:s'), { client_secret: 's' }))).toMatchObject({ error: 'invalid_request', status: 400 });
    expect(refusal(() => readClientCredentials(basic('app_1:s'), { client_id: 'app_2' }))).toMatchObject({ error: 'invalid_request', status: 400 });
    expect(readClientCredentials(basic('app_1:s'), { client_id: 'app_1' })?.method).toBe('client_secret_basic');
    expect(refusal(() => readClientCredentials(undefined, { client_secret: 's' }))).toMatchObject({ error: 'invalid_request', status: 400 });
  });

  it('a repeated form parameter is invalid_request; distinct ones pass', () => {
    expect(() => assertNoRepeatedParameters('grant_type=client_credentials&scope=a')).not.toThrow();
    expect(refusal(() => assertNoRepeatedParameters('scope=a&grant_type=x&scope=b'))).toMatchObject({ error: 'invalid_request', status: 400 });
  });
});
