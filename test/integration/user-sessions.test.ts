/**
 * GET /me/sessions, DELETE /me/sessions/{id}, POST /me/sessions/revoke-all, and the
 * contract's bound: an access token of an ended session stops working within 60 s
 * (service clock; every test starts from the system time, see test/support/clock.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { signIn } from '../support/given.js';
import { advanceClock } from '../support/clock.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

const sessions = (token: string) => h.request('GET', '/me/sessions', { token, headers: { 'user-agent': 'ignored' } });
const me = (token: string) => h.request('GET', '/me', { token });

describe('a person\'s sessions', () => {
  it('lists each sign-in, newest first, marking the current one', async () => {
    const email = uniqueEmail('lister');
    const first = await signIn(h, email);
    const second = await signIn(h, email);
    const r = await sessions(second.token);
    expect(r.status).toBe(200);
    expect(r.json.items).toHaveLength(2);
    expect(r.json.items.map((s: { current: boolean }) => s.current)).toEqual([true, false]);
    expect(r.json.items[0]).toEqual({ id: expect.stringMatching(/^fam_/), createdAt: expect.any(String), lastUsedAt: expect.any(String), userAgent: expect.anything(), current: true });
    expect((await sessions(first.token)).json.items.map((s: { current: boolean }) => s.current)).toEqual([false, true]);
  });

  it('an ended session\'s access token stops working within 60 s; the other session keeps working', async () => {
    const email = uniqueEmail('ender');
    const keep = await signIn(h, email);
    const doomed = await signIn(h, email);
    expect((await me(doomed.token)).status).toBe(200); // the genuine token works first
    const doomedId = (await sessions(doomed.token)).json.items.find((s: { current: boolean }) => s.current).id;

    expect((await h.request('DELETE', `/me/sessions/${doomedId}`, { token: keep.token })).status).toBe(204);
    await advanceClock(h, 60);
    const after = await me(doomed.token);
    expect({ status: after.status, code: after.json.error.code }).toEqual({ status: 401, code: 'unauthenticated' });
    expect((await h.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: doomed.refreshToken } })).status).toBe(400);
    expect((await me(keep.token)).status).toBe(200);
    expect((await sessions(keep.token)).json.items.map((s: { id: string }) => s.id)).not.toContain(doomedId);
  });

  it('a session ended elsewhere (refresh-token reuse) also ends its access tokens within 60 s', async () => {
    const p = await signIn(h, uniqueEmail('reuse'));
    expect((await me(p.token)).status).toBe(200);
    const rotate = () => h.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: p.refreshToken } });
    expect((await rotate()).status).toBe(200);
    expect((await rotate()).status).toBe(400); // reuse: the family is revoked
    await advanceClock(h, 60);
    expect((await me(p.token)).status).toBe(401);
  });

  it('"sign out everywhere" ends every session, this one included', async () => {
    const email = uniqueEmail('everywhere');
    const a = await signIn(h, email);
    const b = await signIn(h, email);
    expect((await me(b.token)).status).toBe(200);
    const r = await h.request('POST', '/me/sessions/revoke-all', { token: a.token });
    expect(r.json).toEqual({ revoked: 2 });
    await advanceClock(h, 60);
    expect((await me(a.token)).status).toBe(401);
    expect((await me(b.token)).status).toBe(401);
    expect((await h.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: b.refreshToken } })).status).toBe(400);
  });

  it('someone else\'s session, or one that cannot exist, is 404 and nothing changes', async () => {
    const mine = await signIn(h, uniqueEmail('owner'));
    const theirs = await signIn(h, uniqueEmail('other'));
    const theirId = (await sessions(theirs.token)).json.items[0].id;
    const r = await h.request('DELETE', `/me/sessions/${theirId}`, { token: mine.token });
    expect({ status: r.status, code: r.json.error.code }).toEqual({ status: 404, code: 'session_not_found' });
    expect((await h.request('DELETE', '/me/sessions/fam_nope', { token: mine.token })).status).toBe(404);
    await advanceClock(h, 60);
    expect((await me(theirs.token)).status).toBe(200);
  });
});
