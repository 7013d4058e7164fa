/**
 * The Console's cookie session (API.md "Console session"), over HTTP: the code from
 * the Console's own callback buys an access token and an HttpOnly cookie; the cookie
 * refreshes (rotating, reuse revokes), only from our origin and with the CSRF header;
 * DELETE signs out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { consoleCallback, consoleOrigin, consoleSignIn, cookiePair, pkcePair, sessionRequest } from '../support/console-session.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

const refresh = (cookie: string, opts: Parameters<typeof sessionRequest>[3] = {}) =>
  sessionRequest(h, 'POST', '/auth/session/refresh', { cookie, ...opts });

describe('POST /auth/session', () => {
  it('exchanges the Console callback code for an access token; the refresh credential is only in an HttpOnly, SameSite=Strict cookie', async () => {
    const email = uniqueEmail('console');
    const { verifier, challenge } = pkcePair();
    const callback = await consoleCallback(h, email, challenge, 'back-to=/console/members');
    expect(`${callback.origin}${callback.pathname}`).toBe(`${consoleOrigin()}/console/callback`);
    expect(callback.searchParams.get('state')).toBe('back-to=/console/members');

    const r = await sessionRequest(h, 'POST', '/auth/session', { body: { code: callback.searchParams.get('code'), codeVerifier: verifier } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['access_token', 'expires_in']);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^roster_session=rrt_[A-Za-z0-9_-]{43}; /);
    expect(cookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=2592000', 'Path=/auth/session', 'SameSite=Strict']);
    const me = await h.request('GET', '/me', { token: r.json.access_token });
    expect(me.json.user.email).toBe(email);
  });

  it('refuses a wrong verifier and a reused code with 400 invalid_grant, setting no cookie', async () => {
    const { verifier, challenge } = pkcePair();
    const code = (await consoleCallback(h, uniqueEmail('bad'), challenge)).searchParams.get('code');
    const wrong = await sessionRequest(h, 'POST', '/auth/session', { body: { code, codeVerifier: pkcePair().verifier } });
    expect({ status: wrong.status, code: wrong.json.error.code }).toEqual({ status: 400, code: 'invalid_grant' });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    // The wrong verifier spent the code: the right one is now too late.
    const second = await sessionRequest(h, 'POST', '/auth/session', { body: { code, codeVerifier: verifier } });
    expect(second.status).toBe(400);

    // Reuse: a code that worked once (so it was valid) is refused the second time.
    const pair = pkcePair();
    const good = (await consoleCallback(h, uniqueEmail('reuse'), pair.challenge)).searchParams.get('code');
    expect((await sessionRequest(h, 'POST', '/auth/session', { body: { code: good, codeVerifier: pair.verifier } })).status).toBe(200);
    const reused = await sessionRequest(h, 'POST', '/auth/session', { body: { code: good, codeVerifier: pair.verifier } });
    expect({ status: reused.status, code: reused.json.error.code }).toEqual({ status: 400, code: 'invalid_grant' });
    expect(reused.headers.get('set-cookie')).toBeNull();
  });

  it('refuses another origin, a cross-site fetch and a form post; the same request from our origin works', async () => {
    const ask = async (headers: Record<string, string>, raw?: string) => {
      const { verifier, challenge } = pkcePair();
      const code = (await consoleCallback(h, uniqueEmail('origin'), challenge)).searchParams.get('code')!;
      return raw === undefined
        ? sessionRequest(h, 'POST', '/auth/session', { body: { code, codeVerifier: verifier }, headers })
        : h.request('POST', '/auth/session', { rawBody: new URLSearchParams({ code, codeVerifier: verifier }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    };
    expect((await ask({})).status).toBe(200);
    const evil = await ask({ origin: 'https://evil.example.net', 'sec-fetch-site': 'cross-site' });
    expect({ status: evil.status, code: evil.json.error.code }).toEqual({ status: 403, code: 'cross_origin_request' });
    expect((await ask({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await ask({}, 'form')).status).toBe(415);
  });
});

describe('POST /auth/session/refresh', () => {
  it('rotates the cookie; presenting the old one again ends the session (reuse detection)', async () => {
    const s = await consoleSignIn(h, uniqueEmail('rotate'));
    const r1 = await refresh(s.cookie);
    expect(r1.status).toBe(200);
    expect(Object.keys(r1.json).sort()).toEqual(['access_token', 'expires_in']);
    const next = cookiePair(r1.headers.get('set-cookie'));
    expect(next).not.toBe(s.cookie);
    expect((await h.request('GET', '/me', { token: r1.json.access_token })).status).toBe(200);

    const reuse = await refresh(s.cookie);
    expect({ status: reuse.status, code: reuse.json.error.code }).toEqual({ status: 401, code: 'unauthenticated' });
    expect(reuse.headers.get('set-cookie')).toMatch(/^roster_session=; .*Max-Age=0/);
    expect((await refresh(next)).status).toBe(401);
  });

  it('needs the X-Roster-CSRF header and our origin', async () => {
    const s = await consoleSignIn(h, uniqueEmail('csrf'));
    const noHeader = await refresh(s.cookie, { csrf: false });
    expect({ status: noHeader.status, code: noHeader.json.error.code }).toEqual({ status: 403, code: 'csrf_header_required' });
    const crossOrigin = await refresh(s.cookie, { headers: { origin: 'https://evil.example.net', 'sec-fetch-site': 'cross-site' } });
    expect({ status: crossOrigin.status, code: crossOrigin.json.error.code }).toEqual({ status: 403, code: 'cross_origin_request' });
    // Neither refusal spent the cookie.
    expect((await refresh(s.cookie)).status).toBe(200);
  });

  it('without a cookie, or with a made-up one, is 401', async () => {
    expect((await sessionRequest(h, 'POST', '/auth/session/refresh')).status).toBe(401);
    expect((await refresh('roster_session=rrt_madeup')).status).toBe(401);
  });
});

describe('DELETE /auth/session', () => {
  it('revokes the session and clears the cookie', async () => {
    const s = await consoleSignIn(h, uniqueEmail('bye'));
    // The session is live before it is revoked: its cookie refreshes (and rotates).
    const live = await refresh(s.cookie);
    expect(live.status).toBe(200);
    const cookie = cookiePair(live.headers.get('set-cookie'));
    const out = await sessionRequest(h, 'DELETE', '/auth/session', { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^roster_session=; .*Max-Age=0/);
    expect((await refresh(cookie)).status).toBe(401);
    expect((await sessionRequest(h, 'DELETE', '/auth/session', { cookie: s.cookie, csrf: false })).status).toBe(403);
  });
});
