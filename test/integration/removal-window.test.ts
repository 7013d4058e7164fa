import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { lastLinkTo } from '../support/mail.js';
import { signIn, type Person, type Team } from '../support/given.js';
import * as given from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { clock } from '../../shared/clock.js';
import { getMember } from '../../shared/data/members.js';
import { getIntegration } from '../../shared/data/integrations.js';
import { advanceClock } from '../support/clock.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

const WINDOW_SECONDS = 14 * 24 * 3600;

const team = (seats = 10) => given.team(h, { name: 'Window Ltd', seats });
const signedInMember = (t: Team, opts: { role?: string; joinedAt?: string } = {}) =>
  given.signedInMember(h, t.ws, { fullName: 'Mia Member', ...opts });

async function createIntegration(t: Team, p: Person, name: string): Promise<string> {
  const r = await h.request('POST', `/workspaces/${t.ws}/integrations`, { token: p.token, body: { name } });
  expect(r.status).toBe(201);
  return r.json.id as string;
}

const memberPath = (t: Team, userId: string, action = '') => `/workspaces/${t.ws}/members/${userId}${action}`;
const seats = async (t: Team, token = t.owner.token) => (await h.request('GET', `/workspaces/${t.ws}`, { token })).json.seats as { limit: number; used: number };

async function audit(t: Team, token = t.owner.token) {
  const r = await h.request('GET', `/workspaces/${t.ws}/audit-events?limit=100`, { token });
  expect(r.status).toBe(200);
  return r.json.items as { action: string; actor: { type: string; id: string }; target: { id: string }; details: Record<string, unknown> }[];
}

async function invite(t: Team, email: string, token = t.owner.token) {
  const r = await h.request('POST', `/workspaces/${t.ws}/invitations`, { token, body: { emails: [email] } });
  expect(r.status).toBe(200);
  return r.json.results[0] as { email: string; status: string; purgeAt?: string };
}

describe('restore within the window', () => {
  it('brings back status, role, joinedAt, the seat and the orphaned integrations', async () => {
    const t = await team();
    const joinedAt = '2026-01-05T09:00:00.000Z';
    const p = await signedInMember(t, { role: 'contributor_plus', joinedAt });
    const mine = await createIntegration(t, p, 'Mine alone');
    const seatsBefore = await seats(t);

    const removed = await h.request('DELETE', memberPath(t, p.userId), { token: t.admin.token });
    expect(removed.status).toBe(200);
    expect(removed.json.assets).toEqual({ reassigned: [], orphaned: [mine] });
    expect(await seats(t)).toEqual({ ...seatsBefore, used: seatsBefore.used - 1 });
    // Orphaned: inaccessible to everyone, administrators included.
    for (const token of [t.owner.token, t.admin.token]) {
      expect((await h.request('GET', `/workspaces/${t.ws}/integrations/${mine}`, { token })).status).toBe(404);
    }

    const restored = await h.request('POST', memberPath(t, p.userId, '/restore'), { token: t.admin.token });
    expect(restored.status).toBe(200);
    expect(restored.json.assets).toEqual({ restored: [mine] });
    expect(restored.json.member).toMatchObject({ userId: p.userId, status: 'active', role: 'contributor_plus', joinedAt });
    expect(restored.json.member.removedAt).toBeUndefined();
    expect(restored.json.member.purgeAt).toBeUndefined();
    expect(await seats(t)).toEqual(seatsBefore);

    const item = await getMember(t.ws, p.userId, clock.nowEpochSeconds());
    expect(item?.beforeRemoval).toBeUndefined();
    expect(item?.purgeAt).toBeUndefined();
    // The member's own token works again, and the integration is theirs again.
    const own = await h.request('GET', `/workspaces/${t.ws}/integrations/${mine}`, { token: p.token });
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ status: 'active', owners: [p.userId] });
    const events = (await audit(t)).filter((e) => e.target.id === p.userId).map((e) => e.action);
    expect(events).toEqual(['member.restored', 'member.removed']);
  });

  it('a suspended member comes back suspended (still holding a seat); a deactivated one deactivated, without a seat', async () => {
    const t = await team();
    const s = await seedMember(t.ws, { status: 'suspended' });
    const d = await seedMember(t.ws, { status: 'deactivated' });
    const before = await seats(t);
    for (const m of [s, d]) expect((await h.request('DELETE', memberPath(t, m.userId), { token: t.admin.token })).status).toBe(200);
    expect((await seats(t)).used).toBe(before.used - 1);

    const rs = await h.request('POST', memberPath(t, s.userId, '/restore'), { token: t.admin.token });
    expect(rs.json.member).toMatchObject({ status: 'suspended', role: 'contributor' });
    expect(rs.json.member.suspendedAt).toBeDefined();
    const rd = await h.request('POST', memberPath(t, d.userId, '/restore'), { token: t.admin.token });
    expect(rd.json.member).toMatchObject({ status: 'deactivated' });
    expect(await seats(t)).toEqual(before);
  });

  it('needs a free seat when the restored status holds one: 409 no_seat_available', async () => {
    const t = await team(3);
    const m = await seedMember(t.ws);
    expect((await h.request('DELETE', memberPath(t, m.userId), { token: t.admin.token })).status).toBe(200);
    await seedMember(t.ws);
    expect(await seats(t)).toEqual({ limit: 3, used: 3 });
    const r = await h.request('POST', memberPath(t, m.userId, '/restore'), { token: t.admin.token });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('no_seat_available');
    expect((await getMember(t.ws, m.userId, clock.nowEpochSeconds()))!.status).toBe('removed');
    expect(await seats(t)).toEqual({ limit: 3, used: 3 });
  });

  it('restore is only for removed members (409 member_not_removed) and needs members.manage', async () => {
    const t = await team();
    const m = await seedMember(t.ws);
    const r = await h.request('POST', memberPath(t, m.userId, '/restore'), { token: t.admin.token });
    expect([r.status, r.json.error.code]).toEqual([409, 'member_not_removed']);
    const reader = await signedInMember(t, { role: 'reader' });
    expect((await h.request('DELETE', memberPath(t, m.userId), { token: t.admin.token })).status).toBe(200);
    expect((await h.request('POST', memberPath(t, m.userId, '/restore'), { token: reader.token })).status).toBe(403);
    expect((await getMember(t.ws, m.userId, clock.nowEpochSeconds()))!.status).toBe('removed');
  });
});

describe('reassigning assets on removal', () => {
  it('moves solely owned integrations to reassignTo; shared ones just lose the member', async () => {
    const t = await team();
    const p = await signedInMember(t);
    const heir = await signedInMember(t);
    const solo = await createIntegration(t, p, 'Solo');
    const shared = await createIntegration(t, p, 'Shared');
    const share = await h.request('PUT', `/workspaces/${t.ws}/integrations/${shared}/sharing`, {
      token: p.token, body: { owners: [p.userId, t.admin.userId], users: [] },
    });
    expect(share.status).toBe(200);

    const r = await h.request('DELETE', memberPath(t, p.userId), { token: t.admin.token, body: { reassignTo: heir.userId } });
    expect(r.status).toBe(200);
    expect(r.json.assets).toEqual({ reassigned: [solo], orphaned: [] });
    const got = await h.request('GET', `/workspaces/${t.ws}/integrations/${solo}`, { token: heir.token });
    expect(got.json).toMatchObject({ status: 'active', owners: [heir.userId] });
    const sharedNow = await h.request('GET', `/workspaces/${t.ws}/integrations/${shared}`, { token: t.admin.token });
    expect(sharedNow.json.owners).toEqual([t.admin.userId]);
  });

  it('reassignTo must be another active member: 422 invalid_reassign_target, nothing changes', async () => {
    const t = await team();
    const p = await signedInMember(t);
    const suspended = await seedMember(t.ws, { status: 'suspended' });
    const other = await team();
    const before = await seats(t);
    for (const reassignTo of [p.userId, suspended.userId, other.admin.userId, 'usr_01JNOBODY0000000000000000000']) {
      const r = await h.request('DELETE', memberPath(t, p.userId), { token: t.admin.token, body: { reassignTo } });
      expect(r.status, reassignTo).toBe(422);
      expect(r.json.error.code).toBe('invalid_reassign_target');
    }
    const bad = await h.request('DELETE', memberPath(t, p.userId), { token: t.admin.token, body: { reassignTo: 42 } });
    expect(bad.status).toBe(400);
    expect((await getMember(t.ws, p.userId, clock.nowEpochSeconds()))!.status).toBe('active');
    expect(await seats(t)).toEqual(before);
  });
});

describe('immediate purge', () => {
  it('DELETE ?purge=true on a removed member purges it and its orphaned integrations now', async () => {
    const t = await team();
    const role = await h.request('POST', `/workspaces/${t.ws}/roles`, { token: t.owner.token, body: { name: 'Custom', permissions: ['members.read', 'integrations.create'] } });
    const p = await signIn(h, uniqueEmail('purged'), 'Pat Purged');
    await seedMember(t.ws, { userId: p.userId, email: p.email, role: 'contributor' });
    expect((await h.request('PATCH', memberPath(t, p.userId), { token: t.admin.token, body: { role: role.json.id } })).status).toBe(200);
    const mine = await createIntegration(t, p, 'Doomed');
    const reader = await signedInMember(t, { role: 'reader' });

    const active = await h.request('DELETE', `${memberPath(t, p.userId)}?purge=true`, { token: t.admin.token });
    expect([active.status, active.json.error.code]).toEqual([409, 'member_not_removed']);
    expect((await h.request('DELETE', memberPath(t, p.userId), { token: t.admin.token })).status).toBe(200);
    // A removed member still holds the custom role until purged.
    expect((await h.request('DELETE', `/workspaces/${t.ws}/roles/${role.json.id}`, { token: t.owner.token })).json.error.code).toBe('role_in_use');

    expect((await h.request('DELETE', `${memberPath(t, p.userId)}?purge=true`, { token: reader.token })).status).toBe(403);
    const withBody = await h.request('DELETE', `${memberPath(t, p.userId)}?purge=true`, { token: t.admin.token, body: { reassignTo: t.admin.userId } });
    expect(withBody.status).toBe(400);
    expect((await getMember(t.ws, p.userId, clock.nowEpochSeconds()))!.status).toBe('removed');

    const purged = await h.request('DELETE', `${memberPath(t, p.userId)}?purge=true`, { token: t.admin.token });
    expect(purged.status).toBe(200);
    expect(purged.json).toEqual({ userId: p.userId, purged: true, assets: { purged: 1 } });
    expect((await h.request('GET', memberPath(t, p.userId), { token: t.admin.token })).status).toBe(404);
    expect((await h.request('POST', memberPath(t, p.userId, '/restore'), { token: t.admin.token })).status).toBe(404);
    expect(await getIntegration(t.ws, mine)).toBeUndefined();
    expect((await h.request('DELETE', `/workspaces/${t.ws}/roles/${role.json.id}`, { token: t.owner.token })).status).toBe(204);

    // Our own delete is not a TTL deletion: the stream purge handler must not run a second time.
    await h.drain();
    const purgedEvents = (await audit(t)).filter((e) => e.action === 'member.purged' && e.target.id === p.userId);
    expect(purgedEvents).toHaveLength(1);
    expect(purgedEvents[0]!.actor).toEqual({ type: 'user', id: t.admin.userId });
    expect(h.runtime.poller.deadLetters).toEqual([]);

    // Purged: a fresh invitation works straight away.
    expect((await invite(t, p.email)).status).toBe('invited');
  });
});

describe('the end of the window: TTL deletion → stream → purge handler', () => {
  it('is gone for every read at purgeAt, purged by the sweep, and can be invited afresh', async () => {
    const t = await team();
    const p = await signedInMember(t);
    const mine = await createIntegration(t, p, 'Left behind');
    const removed = await h.request('DELETE', memberPath(t, p.userId), { token: t.admin.token });
    expect(removed.json.assets.orphaned).toEqual([mine]);

    const during = await invite(t, p.email);
    expect(during).toMatchObject({ status: 'in_removal_window', purgeAt: removed.json.member.purgeAt });

    await advanceClock(h, WINDOW_SECONDS + 1);
    // Access tokens expired meanwhile; sign the admins in again.
    const owner = await signIn(h, t.owner.email);
    const admin = await signIn(h, t.admin.email);
    const later: Team = { ...t, owner, admin };

    // Past purgeAt but not yet deleted by TTL: every read treats it as gone.
    expect(await getMember(t.ws, p.userId, clock.nowEpochSeconds(), true)).toBeUndefined();
    expect((await h.request('GET', memberPath(later, p.userId), { token: admin.token })).status).toBe(404);
    expect((await h.request('POST', memberPath(later, p.userId, '/restore'), { token: admin.token })).status).toBe(404);
    expect((await h.request('GET', `/workspaces/${t.ws}/members?status=removed`, { token: admin.token })).json.items).toEqual([]);

    const sweep = await h.request('POST', '/_local/jobs/ttl-sweep');
    expect(sweep.status).toBe(200);
    expect(sweep.json.result.deleted).toBeGreaterThanOrEqual(1);
    expect(h.runtime.poller.deadLetters).toEqual([]);

    const purged = (await audit(later)).filter((e) => e.action === 'member.purged' && e.target.id === p.userId);
    expect(purged).toHaveLength(1);
    expect(purged[0]!.actor.type).toBe('system');
    expect(purged[0]!.details).toMatchObject({ reason: 'removal_window_ended', integrationsPurged: 1 });
    expect(await getIntegration(t.ws, mine)).toBeUndefined();

    // A fresh invitation works, and accepting it makes a new membership.
    expect((await invite(later, p.email)).status).toBe('invited');
    await h.drain();
    const token = await lastLinkTo(p.email, 'invitations');
    const accepted = await h.request('POST', `/invitations/${token}/accept`);
    expect(accepted.status).toBe(200);
    const back = await h.request('GET', memberPath(later, p.userId), { token: admin.token });
    expect(back.json).toMatchObject({ status: 'active', role: 'contributor' });
    expect(back.json.joinedAt > removed.json.member.purgeAt).toBe(true);
  });
});
