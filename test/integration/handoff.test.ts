/**
 * The sign-in hand-off to a host product (authorization code + PKCE), with
 * `openid-client` as the host product. Pressing "Sign in" is done here without a
 * browser (the 303 is read, not followed); test/e2e/handoff.browser.test.ts walks
 * the same path in Chromium.
 *
 * Nothing here loads shared/config.ts before startWithHostProduct sets PUBLIC_URL
 * and ALLOWED_REDIRECT_URIS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { uniqueEmail, type Harness } from '../support/harness.js';
import { emailsTo } from '../support/mail.js';
import { pressSignIn, requestHandoffLink, startWithHostProduct, type Attempt, type HostProduct } from '../support/host-product.js';
import { clock } from '../../shared/clock.js';

let h: Harness;
let host: HostProduct;
let issuer: string;

beforeAll(async () => {
  ({ h, host, issuer } = await startWithHostProduct(['https://app.example.com/auth/callback']));
});
afterAll(async () => {
  await h?.runtime.stop();
  await host?.stop();
});
afterEach(() => clock.reset());

/** Request a hand-off link for a new person and press "Sign in": the Location Roster answers with. */
async function codeFor(email: string, attempt: Attempt): Promise<URL> {
  const link = await requestHandoffLink(h, email, host.redirectUri, attempt);
  const res = await pressSignIn(h, link);
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!);
}

const exchange = (callback: URL, attempt: Attempt) =>
  client.authorizationCodeGrant(host.oidc, callback, { pkceCodeVerifier: attempt.verifier, expectedState: attempt.state });

/** What openid-client reports when the token endpoint refuses: the RFC 6749 §5.2 error code. */
async function refusal(p: Promise<unknown>): Promise<{ error?: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof client.ResponseBodyError) return { error: err.error, status: err.status };
    throw err;
  }
  throw new Error('the exchange was expected to fail');
}

/** GET /me with a bearer token, as any client sends it (openid-client throws on a 401 challenge). */
const bearerMe = (accessToken: string) => fetch(`${h.url}/me`, { headers: { authorization: `Bearer ${accessToken}` } });

const me = async (accessToken: string) =>
  client.fetchProtectedResource(host.oidc, accessToken, new URL(`${issuer}/me`), 'GET');

describe('discovery', () => {
  it('advertises the authorization_code grant with S256 PKCE only', async () => {
    expect(host.oidc.serverMetadata()).toMatchObject({
      issuer,
      grant_types_supported: expect.arrayContaining(['authorization_code']),
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });
});

describe('the hand-off', () => {
  it('"Sign in" answers 303 to the redirect URI with code, state and iss; the code and verifier buy a session', async () => {
    const email = uniqueEmail('host');
    const attempt = await host.newAttempt();
    const callback = await codeFor(email, attempt);
    expect(`${callback.origin}${callback.pathname}`).toBe(host.redirectUri);
    expect(callback.searchParams.get('state')).toBe(attempt.state);
    expect(callback.searchParams.get('iss')).toBe(issuer);
    expect(callback.searchParams.get('code')).toMatch(/^rac_[A-Za-z0-9_-]{43}$/);

    const tokens = await exchange(callback, attempt);
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const res = await me(tokens.access_token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: unknown }).user).toMatchObject({ email, fullName: 'Hand Off' });
  });

  it('the code is stored only as a hash', async () => {
    const callback = await codeFor(uniqueEmail('hash'), await host.newAttempt());
    const code = callback.searchParams.get('code')!;
    const raw = new DynamoDBClient({ endpoint: h.runtime.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const scan = await raw.send(new ScanCommand({ TableName: h.runtime.tableName }));
    const dump = JSON.stringify(scan.Items);
    expect(dump).toContain('AUTHCODE#');
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(code.slice(4));
  });
});

describe('refusals', () => {
  it('a wrong verifier is invalid_grant, and spends the code', async () => {
    const attempt = await host.newAttempt();
    const callback = await codeFor(uniqueEmail('verifier'), attempt);
    const other = await host.newAttempt();
    expect(await refusal(exchange(callback, { ...attempt, verifier: other.verifier }))).toEqual({ error: 'invalid_grant', status: 400 });
    // The right verifier after a wrong one: too late, so a verifier cannot be guessed against one code.
    expect(await refusal(exchange(callback, attempt))).toEqual({ error: 'invalid_grant', status: 400 });
  });

  it('a redirect_uri other than the one the code was issued for is invalid_grant', async () => {
    const attempt = await host.newAttempt();
    const callback = await codeFor(uniqueEmail('redirect'), attempt);
    const r = await h.request('POST', '/oauth/token', {
      body: { grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: 'https://app.example.com/auth/callback', code_verifier: attempt.verifier },
    });
    expect({ status: r.status, error: r.json.error }).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('a reused code is invalid_grant and revokes the session the first use started', async () => {
    const attempt = await host.newAttempt();
    const callback = await codeFor(uniqueEmail('reuse'), attempt);
    const first = await exchange(callback, attempt);
    expect((await me(first.access_token)).status).toBe(200);
    expect(await refusal(exchange(callback, attempt))).toEqual({ error: 'invalid_grant', status: 400 });
    expect(await refusal(client.refreshTokenGrant(host.oidc, first.refresh_token!))).toEqual({ error: 'invalid_grant', status: 400 });
  });

  it('racing exchanges of one code leave no live session: at most one gets tokens, and those are revoked (RFC 6749 §4.1.2)', async () => {
    // Loaded here: shared/config.ts must first see the PUBLIC_URL beforeAll chose.
    const { getUserByEmail } = await import('../../shared/data/users.js');
    const { listLiveFamiliesOf } = await import('../../shared/data/refresh-tokens.js');
    const live = async (email: string) => {
      const user = await getUserByEmail(email);
      return (await listLiveFamiliesOf(user!.id, 100, undefined, clock.nowEpochSeconds())).items.length;
    };
    // Control: one exchange, no race, leaves one live session (the check below can see one).
    const controlEmail = uniqueEmail('race-control');
    const controlAttempt = await host.newAttempt();
    const control = await exchange(await codeFor(controlEmail, controlAttempt), controlAttempt);
    expect(await live(controlEmail)).toBe(1);
    expect((await bearerMe(control.access_token)).status).toBe(200);

    // The two orders a race can take: the second use revokes after the first use's session
    // exists, or before the first use has written it (its family write slowed, as a loaded
    // table or a cold connection would). Both must end with nothing live.
    const { dynamodb } = await import('../../shared/data/client.js');
    let slowFamilyWrites = false;
    dynamodb.middlewareStack.add((next) => async (args) => {
      const input = JSON.stringify(args.input);
      if (slowFamilyWrites && input.includes('"Item"') && input.includes('RTF#')) await new Promise((r) => setTimeout(r, 400));
      return next(args);
    }, { step: 'initialize', name: 'slowFamilyWrites' });

    const CODES = 8;
    const racers = (i: number) => 2 + (i % 3); // 2, 3 or 4 exchanges of the same code at once
    const figures: string[] = [];
    try {
      for (const slow of [false, true]) {
        const codes: { email: string; attempt: Attempt; callback: URL }[] = [];
        for (let i = 0; i < CODES; i++) {
          const email = uniqueEmail(`race${i}`);
          const attempt = await host.newAttempt();
          codes.push({ email, attempt, callback: await codeFor(email, attempt) });
        }
        slowFamilyWrites = slow;
        const rounds = await Promise.all(codes.map(async ({ email, attempt, callback }, i) => ({
          email, results: await Promise.allSettled(Array.from({ length: racers(i) }, () => exchange(callback, attempt))),
        })));
        slowFamilyWrites = false;
        let issued = 0;
        for (const { email, results } of rounds) {
          const won = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
          expect(won.length).toBeLessThanOrEqual(1);
          for (const r of results) if (r.status === 'rejected') expect(await refusal(Promise.reject(r.reason))).toEqual({ error: 'invalid_grant', status: 400 });
          for (const tokens of won) {
            issued++;
            expect((await bearerMe(tokens.access_token)).status).toBe(401);
            expect(await refusal(client.refreshTokenGrant(host.oidc, tokens.refresh_token!))).toEqual({ error: 'invalid_grant', status: 400 });
          }
          expect(await live(email), email).toBe(0);
        }
        figures.push(`${slow ? 'slow' : 'plain'} family writes: ${CODES} codes, ${rounds.reduce((n, r) => n + r.results.length, 0)} exchanges, ${issued} got tokens first (then revoked), ${CODES - issued} refused outright; live sessions left: 0`);
      }
    } finally {
      dynamodb.middlewareStack.remove('slowFamilyWrites');
    }
    console.info(`code race — ${figures.join('; ')}`);
  });

  it('a code expires 60 s after it is issued (service clock)', async () => {
    const a = await host.newAttempt();
    const b = await host.newAttempt();
    const early = await codeFor(uniqueEmail('early'), a);
    const late = await codeFor(uniqueEmail('late'), b);
    clock.advance(58);
    expect((await exchange(early, a)).access_token).toEqual(expect.any(String));
    clock.advance(3);
    expect(await refusal(exchange(late, b))).toEqual({ error: 'invalid_grant', status: 400 });
  });

  it('a redirect URI off the allow-list is 400 invalid_redirect_uri, and no link is sent', async () => {
    const attempt = await host.newAttempt();
    const email = uniqueEmail('offlist');
    const ask = (redirectUri: string) => h.request('POST', '/auth/email-link', {
      body: { email, redirectUri, state: attempt.state, codeChallenge: attempt.challenge, codeChallengeMethod: 'S256' },
    });
    for (const redirectUri of [
      'https://evil.example.net/callback',
      `${host.redirectUri}/../evil`,
      `${host.redirectUri}?next=https://evil.example.net`,
      host.redirectUri.toUpperCase(),
      'https://app.example.com/auth/callback/',
    ]) {
      const r = await ask(redirectUri);
      expect({ redirectUri, status: r.status, code: r.json.error.code }).toEqual({ redirectUri, status: 400, code: 'invalid_redirect_uri' });
    }
    await h.drain();
    expect(await emailsTo(email)).toEqual([]);
    // The same request naming an allowed URI is accepted and mailed.
    expect((await ask(host.redirectUri)).status).toBe(202);
    await h.drain();
    expect(await emailsTo(email)).toHaveLength(1);
  });

  it('a redirect URI without a challenge, or with the plain method, is 400, and no link is sent', async () => {
    const attempt = await host.newAttempt();
    const email = uniqueEmail('nochallenge');
    const missing = await h.request('POST', '/auth/email-link', { body: { email, redirectUri: host.redirectUri, state: attempt.state } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.details.fields).toHaveProperty('codeChallenge');
    const plain = await h.request('POST', '/auth/email-link', {
      body: { email, redirectUri: host.redirectUri, codeChallenge: attempt.challenge, codeChallengeMethod: 'plain' },
    });
    expect(plain.status).toBe(400);
    expect(plain.json.error.details.fields).toHaveProperty('codeChallengeMethod');
    const notS256 = await h.request('POST', '/auth/email-link', { body: { email, redirectUri: host.redirectUri, codeChallenge: `${attempt.challenge}x` } });
    expect(notS256.status).toBe(400);
    await h.drain();
    expect(await emailsTo(email)).toEqual([]);
  });

  it('the grant takes no client secret, and needs code, redirect_uri and code_verifier', async () => {
    const base = { grant_type: 'authorization_code', code: 'rac_x', redirect_uri: host.redirectUri, code_verifier: 'v'.repeat(43) };
    const secret = await h.request('POST', '/oauth/token', { body: { ...base, client_id: 'host-product', client_secret: 'shh' } });
    expect({ status: secret.status, error: secret.json.error }).toEqual({ status: 401, error: 'invalid_client' });
    for (const field of ['code', 'redirect_uri', 'code_verifier'] as const) {
      const { [field]: _omitted, ...rest } = base;
      const r = await h.request('POST', '/oauth/token', { body: rest });
      expect({ field, status: r.status, error: r.json.error }).toEqual({ field, status: 400, error: 'invalid_request' });
    }
    const unknown = await h.request('POST', '/oauth/token', { body: base });
    expect({ status: unknown.status, error: unknown.json.error }).toEqual({ status: 400, error: 'invalid_grant' });
  });
});
