import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { lastLinkTo, emailsTo } from '../support/mail.js';
import { signIn, createWorkspace } from '../support/given.js';
import { clock } from '../../shared/clock.js';
import { advanceClock, resetClock } from '../support/clock.js';
import { landedInConsole } from '../support/console-session.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

describe('email-link sign-in', () => {
  it('answers 202 with the same body for known and unknown emails, and mails a link', async () => {
    const email = uniqueEmail('new');
    const r = await h.request('POST', '/auth/email-link', { body: { email: `  ${email.toUpperCase()} `, fullName: 'New Person' } });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({});
    await h.drain();
    const mails = await emailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.html).toContain('/auth/email-link/');
    expect(mails[0]!.body.text).toContain('http://127.0.0.1:3000/auth/email-link/');
  });

  it('GET shows a page and never consumes the link; POST works exactly once', async () => {
    const email = uniqueEmail('once');
    await h.request('POST', '/auth/email-link', { body: { email } });
    await h.drain();
    const token = await lastLinkTo(email, 'auth/email-link');
    for (let i = 0; i < 3; i++) {
      const page = await h.request('GET', `/auth/email-link/${token}`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('<button type="submit">Sign in</button>');
    }
    const first = await h.request('POST', `/auth/email-link/${token}`);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(first.headers.get('cache-control')).toBe('no-store');
    const second = await h.request('POST', `/auth/email-link/${token}`);
    expect(second.status).toBe(404);
    expect(second.json.error.code).toBe('sign_in_link_invalid');
  });

  /** "Sign in" pressed on the link's page, as a browser posts it (our pages send no referrer: Origin is null). */
  const pressSignIn = (token: string, headers: Record<string, string> = { origin: 'null', 'sec-fetch-site': 'same-origin' }) =>
    h.request('POST', `/auth/email-link/${token}`, {
      rawBody: '', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'user-agent': 'Chromium (test)', ...headers },
    });

  it('a new person who signs up by link in a browser lands in the Console signed in: 303 and the session cookie, no token in the URL', async () => {
    const email = uniqueEmail('browser');
    await h.request('POST', '/auth/email-link', { body: { email, fullName: 'Bo Browser' } });
    await h.drain();
    const token = await lastLinkTo(email, 'auth/email-link');
    const r = await pressSignIn(token);
    const accessToken = await landedInConsole(h, r, '/console/');
    const me = await h.request('GET', '/me', { token: accessToken });
    expect(me.json).toMatchObject({ user: { email, fullName: 'Bo Browser' }, workspaces: [] });
    const sessions = await h.request('GET', '/me/sessions', { token: accessToken });
    expect(sessions.json.items).toMatchObject([{ userAgent: 'Chromium (test)', current: true }]);
    // Used: pressing again is a page saying so, without a cookie.
    const again = await pressSignIn(token);
    expect({ status: again.status, cookie: again.headers.get('set-cookie') }).toEqual({ status: 404, cookie: null });
    expect(again.text).toContain('We could not sign you in');
  });

  it('a sign-in form posted from another site uses nothing and sets no cookie (login CSRF)', async () => {
    const email = uniqueEmail('csrf');
    await h.request('POST', '/auth/email-link', { body: { email } });
    await h.drain();
    const token = await lastLinkTo(email, 'auth/email-link');
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example.net', 'sec-fetch-site': 'cross-site' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example.net' },
    ]) {
      const r = await pressSignIn(token, headers);
      expect({ status: r.status, cookie: r.headers.get('set-cookie') }, JSON.stringify(headers)).toEqual({ status: 403, cookie: null });
    }
    // The link was not spent by the refused posts.
    expect((await pressSignIn(token)).status).toBe(303);
  });

  it('signs up a new user on first use, with the name given', async () => {
    const email = uniqueEmail('named');
    const p = await signIn(h, email, 'Grace Hopper');
    const me = await h.request('GET', '/me', { token: p.token });
    expect(me.json).toEqual({ user: { id: p.userId, email, fullName: 'Grace Hopper' }, workspaces: [] });
  });

  it('a link expires after 15 minutes (service clock)', async () => {
    const email = uniqueEmail('late');
    await h.request('POST', '/auth/email-link', { body: { email } });
    await h.drain();
    const token = await lastLinkTo(email, 'auth/email-link');
    await advanceClock(h, 15 * 60 + 1);
    const r = await h.request('POST', `/auth/email-link/${token}`);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('sign_in_link_invalid');
    // It failed for its age alone: back at the issuing time, the same link signs in.
    await resetClock(h);
    expect((await h.request('POST', `/auth/email-link/${token}`)).status).toBe(200);
  });

  it('rate-limits sign-in links per email per hour with Retry-After', async () => {
    const email = uniqueEmail('spam');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await h.request('POST', '/auth/email-link', { body: { email } })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const limited = await h.request('POST', '/auth/email-link', { body: { email } });
    expect(limited.json.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('access and refresh tokens', () => {
  it('access tokens verify with jose from the published JWKS alone', async () => {
    const p = await signIn(h, uniqueEmail('jwks'));
    const jwks = await h.request('GET', '/.well-known/jwks.json');
    const { payload, protectedHeader } = await jwtVerify(p.token, createLocalJWKSet(jwks.json), {
      issuer: 'http://127.0.0.1:3000', audience: 'roster', algorithms: ['ES256'],
      currentDate: clock.now(),
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe(p.userId);
    const disco = await h.request('GET', '/.well-known/openid-configuration');
    expect(disco.json.jwks_uri).toBe('http://127.0.0.1:3000/.well-known/jwks.json');
    expect(disco.json.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', 'refresh_token']));
  });

  it('a refresh token works once; reusing it revokes the whole family', async () => {
    const p = await signIn(h, uniqueEmail('refresh'));
    const r1 = await h.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: p.refreshToken } });
    expect(r1.status).toBe(200);
    expect(r1.json.refresh_token).not.toBe(p.refreshToken);
    const reuse = await h.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: p.refreshToken } });
    expect(reuse.status).toBe(400);
    expect(reuse.json).toMatchObject({ error: 'invalid_grant' });
    // The token issued by the legitimate rotation is dead too: the family is revoked.
    const r2 = await h.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: r1.json.refresh_token } });
    expect(r2.status).toBe(400);
    expect(r2.json.error).toBe('invalid_grant');
  });

  it('concurrent uses of one refresh token: at most one succeeds', async () => {
    const p = await signIn(h, uniqueEmail('race'));
    const results = await Promise.all(Array.from({ length: 8 }, () =>
      h.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: p.refreshToken } })));
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status === 400).length).toBeGreaterThanOrEqual(7);
  });
});

describe('workspaces', () => {
  it('creates a workspace with its owner, reads it back, and records the audit event', async () => {
    const owner = await signIn(h, uniqueEmail('owner'));
    const ws = await createWorkspace(h, owner, 'Acme Corp', 5);
    const got = await h.request('GET', `/workspaces/${ws}`, { token: owner.token });
    expect(got.json).toMatchObject({ id: ws, name: 'Acme Corp', defaultRole: 'contributor', seats: { limit: 5, used: 1 }, ownerId: owner.userId });
    const me = await h.request('GET', '/me', { token: owner.token });
    expect(me.json.workspaces).toEqual([{ id: ws, name: 'Acme Corp', role: 'owner', status: 'active' }]);
    const audit = await h.request('GET', `/workspaces/${ws}/audit-events`, { token: owner.token });
    expect(audit.json.items[0]).toMatchObject({ action: 'workspace.created', actor: { type: 'user', id: owner.userId }, target: { type: 'workspace', id: ws } });
  });

  it('a non-member sees 404 for another workspace, and cannot change it', async () => {
    const a = await signIn(h, uniqueEmail('a'));
    const b = await signIn(h, uniqueEmail('b'));
    const wsA = await createWorkspace(h, a, 'A');
    expect((await h.request('GET', `/workspaces/${wsA}`, { token: b.token })).status).toBe(404);
    expect((await h.request('PATCH', `/workspaces/${wsA}`, { token: b.token, body: { name: 'pwned' } })).status).toBe(404);
    expect((await h.request('GET', `/workspaces/${wsA}`, { token: a.token })).json.name).toBe('A');
  });

  it('subscription changes are audited; PATCH validates the default role', async () => {
    const o = await signIn(h, uniqueEmail('subs'));
    const ws = await createWorkspace(h, o);
    const put = await h.request('PUT', `/workspaces/${ws}/subscription`, { token: o.token, body: { seats: 3 } });
    expect(put.json.seats).toEqual({ limit: 3, used: 1 });
    const bad = await h.request('PATCH', `/workspaces/${ws}`, { token: o.token, body: { defaultRole: 'owner' } });
    expect(bad.status).toBe(409);
    expect(bad.json.error.code).toBe('use_ownership_transfer');
    const good = await h.request('PATCH', `/workspaces/${ws}`, { token: o.token, body: { defaultRole: 'reader', name: 'Renamed' } });
    expect(good.json).toMatchObject({ name: 'Renamed', defaultRole: 'reader' });
    const audit = await h.request('GET', `/workspaces/${ws}/audit-events?limit=2`, { token: o.token });
    expect(audit.json.items.map((e: { action: string }) => e.action)).toEqual(['workspace.updated', 'seats.changed']);
    expect(audit.json.nextCursor).toEqual(expect.any(String));
    const next = await h.request('GET', `/workspaces/${ws}/audit-events?limit=2&cursor=${audit.json.nextCursor}`, { token: o.token });
    expect(next.json.items.map((e: { action: string }) => e.action)).toEqual(['workspace.created']);
  });
});
