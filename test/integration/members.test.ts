import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { type Team } from '../support/given.js';
import * as given from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { clock } from '../../shared/clock.js';
import { getMember } from '../../shared/data/members.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

/** An owner, a signed-in admin, and `seats` licences (the owner and the admin hold two). */
const team = (seats = 10) => given.team(h, { name: 'Members Inc', seats });
const signedInMember = (ws: string, role = 'contributor') => given.signedInMember(h, ws, { role });

const seats = async (t: Team) => (await h.request('GET', `/workspaces/${t.ws}`, { token: t.owner.token })).json.seats as { limit: number; used: number };

async function auditActions(t: Team, targetId: string): Promise<{ action: string; actor: { type: string; id: string }; details: Record<string, unknown> }[]> {
  const r = await h.request('GET', `/workspaces/${t.ws}/audit-events?limit=100`, { token: t.owner.token });
  expect(r.status).toBe(200);
  return (r.json.items as { action: string; actor: { type: string; id: string }; target: { id: string }; details: Record<string, unknown> }[])
    .filter((e) => e.target.id === targetId);
}

const memberPath = (t: Team, userId: string, action = '') => `/workspaces/${t.ws}/members/${userId}${action}`;

describe('listing and reading members', () => {
  it('shows the public member shape, never internal fields', async () => {
    const t = await team();
    const r = await h.request('GET', memberPath(t, t.admin.userId), { token: t.admin.token });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['email', 'fullName', 'joinedAt', 'role', 'status', 'updatedAt', 'userId']);
    expect(r.json).toMatchObject({ userId: t.admin.userId, email: t.admin.email, fullName: 'Adam Admin', role: 'admin', status: 'active' });
  });

  it('lists every non-removed member by default; removed ones only with status=removed', async () => {
    const t = await team();
    const suspended = await seedMember(t.ws, { status: 'suspended' });
    const deactivated = await seedMember(t.ws, { status: 'deactivated' });
    const gone = await seedMember(t.ws);
    expect((await h.request('DELETE', memberPath(t, gone.userId), { token: t.admin.token })).status).toBe(200);

    const all = await h.request('GET', `/workspaces/${t.ws}/members`, { token: t.admin.token });
    expect(all.status).toBe(200);
    const byId = new Map((all.json.items as { userId: string; status: string }[]).map((m) => [m.userId, m.status]));
    expect(byId).toEqual(new Map([
      [t.owner.userId, 'active'], [t.admin.userId, 'active'], [suspended.userId, 'suspended'], [deactivated.userId, 'deactivated'],
    ]));
    expect(all.json.nextCursor).toBeNull();

    const removed = await h.request('GET', `/workspaces/${t.ws}/members?status=removed`, { token: t.admin.token });
    expect(removed.json.items).toHaveLength(1);
    expect(removed.json.items[0]).toMatchObject({ userId: gone.userId, status: 'removed' });
    expect(removed.json.items[0].removedAt).toBeDefined();

    const onlySuspended = await h.request('GET', `/workspaces/${t.ws}/members?status=suspended`, { token: t.admin.token });
    expect(onlySuspended.json.items.map((m: { userId: string }) => m.userId)).toEqual([suspended.userId]);
  });

  it('filters by role and pages with opaque cursors bound to the list', async () => {
    const t = await team();
    const readers = [];
    for (let i = 0; i < 5; i++) readers.push((await seedMember(t.ws, { role: 'reader' })).userId);
    await seedMember(t.ws, { role: 'contributor' });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/workspaces/${t.ws}/members?role=reader&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await h.request('GET', q, { token: t.admin.token });
      expect(r.status).toBe(200);
      expect(r.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.json.items.map((m: { userId: string; role: string }) => (expect(m.role).toBe('reader'), m.userId)));
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor);
    expect(seen.sort()).toEqual([...readers].sort());
    expect(pages).toBeGreaterThanOrEqual(3);

    const first = await h.request('GET', `/workspaces/${t.ws}/members?role=reader&limit=2`, { token: t.admin.token });
    const foreign = await h.request('GET', `/workspaces/${t.ws}/members?role=contributor&cursor=${encodeURIComponent(first.json.nextCursor)}`, { token: t.admin.token });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.code).toBe('invalid_cursor');
    const tampered = await h.request('GET', `/workspaces/${t.ws}/members?role=reader&cursor=${encodeURIComponent(`x${first.json.nextCursor}`)}`, { token: t.admin.token });
    expect(tampered.json.error.code).toBe('invalid_cursor');
  });

  it('rejects bad list parameters with 400 and field details', async () => {
    const t = await team();
    for (const q of ['status=gone', 'limit=0', 'limit=101', 'limit=abc']) {
      const r = await h.request('GET', `/workspaces/${t.ws}/members?${q}`, { token: t.admin.token });
      expect(r.status, q).toBe(400);
      expect(r.json.error.details.fields).toBeDefined();
    }
  });

  it('GET of someone who is not a member is 404', async () => {
    const t = await team();
    const other = await team();
    expect((await h.request('GET', memberPath(t, 'usr_01JNOTAMEMBER00000000000000'), { token: t.admin.token })).status).toBe(404);
    expect((await h.request('GET', memberPath(t, other.admin.userId), { token: t.admin.token })).status).toBe(404);
  });
});

describe('role changes', () => {
  it('changes an active member\'s role, with an audit event naming both roles', async () => {
    const t = await team();
    const m = await seedMember(t.ws, { role: 'contributor' });
    const r = await h.request('PATCH', memberPath(t, m.userId), { token: t.admin.token, body: { role: 'integrator' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ userId: m.userId, role: 'integrator', status: 'active' });
    expect((await h.request('GET', memberPath(t, m.userId), { token: t.admin.token })).json.role).toBe('integrator');
    const events = await auditActions(t, m.userId);
    expect(events[0]).toMatchObject({ action: 'member.role_changed', actor: { type: 'user', id: t.admin.userId }, details: { from: 'contributor', to: 'integrator' } });
  });

  it('never to or from owner: 409 use_ownership_transfer', async () => {
    const t = await team();
    const m = await seedMember(t.ws);
    const toOwner = await h.request('PATCH', memberPath(t, m.userId), { token: t.owner.token, body: { role: 'owner' } });
    expect(toOwner.status).toBe(409);
    expect(toOwner.json.error.code).toBe('use_ownership_transfer');
    const fromOwner = await h.request('PATCH', memberPath(t, t.owner.userId), { token: t.admin.token, body: { role: 'admin' } });
    expect(fromOwner.status).toBe(409);
    expect(fromOwner.json.error.code).toBe('use_ownership_transfer');
    expect((await getMember(t.ws, t.owner.userId, clock.nowEpochSeconds()))!.role).toBe('owner');
    expect((await getMember(t.ws, m.userId, clock.nowEpochSeconds()))!.role).toBe('contributor');
  });

  it('only for active members: 409 member_not_active', async () => {
    const t = await team();
    for (const status of ['suspended', 'deactivated'] as const) {
      const m = await seedMember(t.ws, { status });
      const r = await h.request('PATCH', memberPath(t, m.userId), { token: t.admin.token, body: { role: 'reader' } });
      expect(r.status, status).toBe(409);
      expect(r.json.error.code).toBe('member_not_active');
      expect((await getMember(t.ws, m.userId, clock.nowEpochSeconds()))!.role).toBe('contributor');
    }
  });

  it('the role must exist: 400 unknown_role; a custom role of this workspace works', async () => {
    const t = await team();
    const m = await seedMember(t.ws);
    const unknown = await h.request('PATCH', memberPath(t, m.userId), { token: t.admin.token, body: { role: 'wizard' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe('unknown_role');

    const role = await h.request('POST', `/workspaces/${t.ws}/roles`, { token: t.admin.token, body: { name: 'Auditor', permissions: ['members.read', 'audit.read'] } });
    expect(role.status).toBe(201);
    const r = await h.request('PATCH', memberPath(t, m.userId), { token: t.admin.token, body: { role: role.json.id } });
    expect(r.status).toBe(200);
    expect(r.json.role).toBe(role.json.id);
    // The assignment is counted in the same transaction, so the role cannot be deleted under the member.
    const del = await h.request('DELETE', `/workspaces/${t.ws}/roles/${role.json.id}`, { token: t.admin.token });
    expect(del.status).toBe(409);
    expect(del.json.error.code).toBe('role_in_use');
    expect((await h.request('PATCH', memberPath(t, m.userId), { token: t.admin.token, body: { role: 'reader' } })).status).toBe(200);
    expect((await h.request('DELETE', `/workspaces/${t.ws}/roles/${role.json.id}`, { token: t.admin.token })).status).toBe(204);
  });

  it('a role change takes effect on the member\'s next request', async () => {
    const t = await team();
    const p = await signedInMember(t.ws, 'admin');
    expect((await h.request('GET', `/workspaces/${t.ws}/audit-events`, { token: p.token })).status).toBe(200);
    expect((await h.request('PATCH', memberPath(t, p.userId), { token: t.owner.token, body: { role: 'reader' } })).status).toBe(200);
    expect((await h.request('GET', `/workspaces/${t.ws}/audit-events`, { token: p.token })).status).toBe(403);
  });
});

describe('suspension', () => {
  it('a suspended member loses access at once and keeps the seat; unsuspending gives it back', async () => {
    const t = await team();
    const p = await signedInMember(t.ws);
    expect((await h.request('GET', `/workspaces/${t.ws}/members`, { token: p.token })).status).toBe(200);
    const before = await seats(t);

    const s = await h.request('POST', memberPath(t, p.userId, '/suspend'), { token: t.admin.token });
    expect(s.status).toBe(200);
    expect(s.json).toMatchObject({ status: 'suspended', userId: p.userId });
    expect(s.json.suspendedAt).toBeDefined();
    for (const path of [`/workspaces/${t.ws}`, `/workspaces/${t.ws}/members`, memberPath(t, p.userId)]) {
      expect((await h.request('GET', path, { token: p.token })).status, path).toBe(403);
    }
    expect(await seats(t)).toEqual(before);
    const me = await h.request('GET', '/me', { token: p.token });
    expect(me.json.workspaces).toContainEqual(expect.objectContaining({ id: t.ws, status: 'suspended' }));

    const u = await h.request('POST', memberPath(t, p.userId, '/unsuspend'), { token: t.admin.token });
    expect(u.status).toBe(200);
    expect(u.json.status).toBe('active');
    expect(u.json.suspendedAt).toBeUndefined();
    expect((await h.request('GET', `/workspaces/${t.ws}/members`, { token: p.token })).status).toBe(200);
    expect(await seats(t)).toEqual(before);
    expect((await auditActions(t, p.userId)).map((e) => e.action)).toEqual(['member.unsuspended', 'member.suspended']);
  });

  it('the owner cannot be suspended (409 owner_cannot_be_suspended); nor can admins suspend themselves', async () => {
    const t = await team();
    const owner = await h.request('POST', memberPath(t, t.owner.userId, '/suspend'), { token: t.admin.token });
    expect(owner.status).toBe(409);
    expect(owner.json.error.code).toBe('owner_cannot_be_suspended');
    const self = await h.request('POST', memberPath(t, t.admin.userId, '/suspend'), { token: t.admin.token });
    expect(self.status).toBe(409);
    expect(self.json.error.code).toBe('cannot_suspend_self');
    expect((await h.request('GET', `/workspaces/${t.ws}/members`, { token: t.owner.token })).json.items
      .every((m: { status: string }) => m.status === 'active')).toBe(true);
  });

  it('suspend needs an active member; unsuspend a suspended one', async () => {
    const t = await team();
    const d = await seedMember(t.ws, { status: 'deactivated' });
    const a = await seedMember(t.ws);
    const s = await h.request('POST', memberPath(t, d.userId, '/suspend'), { token: t.admin.token });
    expect([s.status, s.json.error.code]).toEqual([409, 'member_not_active']);
    const u = await h.request('POST', memberPath(t, a.userId, '/unsuspend'), { token: t.admin.token });
    expect([u.status, u.json.error.code]).toEqual([409, 'member_not_suspended']);
    expect((await h.request('POST', memberPath(t, 'usr_01JNOBODY0000000000000000000', '/suspend'), { token: t.admin.token })).status).toBe(404);
  });
});

describe('reactivation', () => {
  it('needs a free seat (409 no_seat_available) and takes it', async () => {
    const t = await team(3);
    await seedMember(t.ws);
    const d = await seedMember(t.ws, { status: 'deactivated' });
    expect(await seats(t)).toEqual({ limit: 3, used: 3 });

    const full = await h.request('POST', memberPath(t, d.userId, '/reactivate'), { token: t.admin.token });
    expect(full.status).toBe(409);
    expect(full.json.error.code).toBe('no_seat_available');
    expect((await getMember(t.ws, d.userId, clock.nowEpochSeconds()))!.status).toBe('deactivated');

    expect((await h.request('PUT', `/workspaces/${t.ws}/subscription`, { token: t.owner.token, body: { seats: 4 } })).status).toBe(200);
    const ok = await h.request('POST', memberPath(t, d.userId, '/reactivate'), { token: t.admin.token });
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe('active');
    expect(ok.json.deactivatedAt).toBeUndefined();
    expect(await seats(t)).toEqual({ limit: 4, used: 4 });
    expect((await auditActions(t, d.userId))[0]!.action).toBe('member.reactivated');

    const again = await h.request('POST', memberPath(t, d.userId, '/reactivate'), { token: t.admin.token });
    expect([again.status, again.json.error.code]).toEqual([409, 'member_not_deactivated']);
  });

  it('with one free seat and five simultaneous reactivations, exactly one succeeds', async () => {
    const t = await team(3);
    const waiting = [];
    for (let i = 0; i < 5; i++) waiting.push(await seedMember(t.ws, { status: 'deactivated' }));
    const results = await Promise.all(waiting.map((m) => h.request('POST', memberPath(t, m.userId, '/reactivate'), { token: t.admin.token })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.json.error.code === 'no_seat_available')).toBe(true);
    expect(await seats(t)).toEqual({ limit: 3, used: 3 });
    const active = (await h.request('GET', `/workspaces/${t.ws}/members?status=active`, { token: t.owner.token })).json.items;
    expect(active).toHaveLength(3);
  });
});

describe('removal and leaving', () => {
  it('removal frees the seat, cuts access at once and starts a 14-day window', async () => {
    const t = await team();
    const p = await signedInMember(t.ws);
    const before = await seats(t);
    const r = await h.request('DELETE', memberPath(t, p.userId), { token: t.admin.token });
    expect(r.status).toBe(200);
    expect(r.json.assets).toEqual({ reassigned: [], orphaned: [] });
    expect(r.json.member).toMatchObject({ userId: p.userId, status: 'removed', role: 'contributor' });
    expect(Date.parse(r.json.member.purgeAt) - Date.parse(r.json.member.removedAt)).toBe(14 * 24 * 3600 * 1000);
    expect(await seats(t)).toEqual({ ...before, used: before.used - 1 });
    expect((await h.request('GET', `/workspaces/${t.ws}/members`, { token: p.token })).status).toBe(404);
    const [event] = await auditActions(t, p.userId);
    expect(event).toMatchObject({ action: 'member.removed', actor: { id: t.admin.userId }, details: { previousStatus: 'active', role: 'contributor' } });
  });

  it('removing a deactivated member frees no seat', async () => {
    const t = await team();
    const d = await seedMember(t.ws, { status: 'deactivated' });
    const before = await seats(t);
    expect((await h.request('DELETE', memberPath(t, d.userId), { token: t.admin.token })).status).toBe(200);
    expect(await seats(t)).toEqual(before);
  });

  it('a member can leave by removing themself (member.left); others need members.manage', async () => {
    const t = await team();
    const p = await signedInMember(t.ws, 'reader');
    const victim = await seedMember(t.ws);
    const denied = await h.request('DELETE', memberPath(t, victim.userId), { token: p.token });
    expect(denied.status).toBe(403);
    expect((await getMember(t.ws, victim.userId, clock.nowEpochSeconds()))!.status).toBe('active');

    const left = await h.request('DELETE', memberPath(t, p.userId), { token: p.token });
    expect(left.status).toBe(200);
    expect(left.json.member.status).toBe('removed');
    expect((await auditActions(t, p.userId))[0]).toMatchObject({ action: 'member.left', actor: { id: p.userId } });
    const me = await h.request('GET', '/me', { token: p.token });
    expect(me.json.workspaces.map((w: { id: string }) => w.id)).not.toContain(t.ws);
  });

  it('the owner cannot be removed, by an admin or by leaving: 409 owner_cannot_be_removed', async () => {
    const t = await team();
    for (const token of [t.admin.token, t.owner.token]) {
      const r = await h.request('DELETE', memberPath(t, t.owner.userId), { token });
      expect(r.status).toBe(409);
      expect(r.json.error.code).toBe('owner_cannot_be_removed');
    }
    expect((await getMember(t.ws, t.owner.userId, clock.nowEpochSeconds()))).toMatchObject({ status: 'active', role: 'owner' });
    expect((await h.request('GET', `/workspaces/${t.ws}`, { token: t.owner.token })).json.ownerId).toBe(t.owner.userId);
  });

  it('after an ownership transfer the former owner can leave and the new owner cannot', async () => {
    const t = await team();
    expect((await h.request('POST', `/workspaces/${t.ws}/ownership-transfer`, { token: t.owner.token, body: { userId: t.admin.userId } })).status).toBe(200);
    const newOwner = await h.request('DELETE', memberPath(t, t.admin.userId), { token: t.admin.token });
    expect(newOwner.json.error.code).toBe('owner_cannot_be_removed');
    expect((await h.request('DELETE', memberPath(t, t.owner.userId), { token: t.owner.token })).status).toBe(200);
  });

  it('removing a removed member again changes nothing (idempotent)', async () => {
    const t = await team();
    const m = await seedMember(t.ws);
    const first = await h.request('DELETE', memberPath(t, m.userId), { token: t.admin.token });
    const before = await seats(t);
    const second = await h.request('DELETE', memberPath(t, m.userId), { token: t.admin.token });
    expect(second.status).toBe(200);
    expect(second.json.member).toEqual(first.json.member);
    expect(await seats(t)).toEqual(before);
    expect((await auditActions(t, m.userId)).filter((e) => e.action === 'member.removed')).toHaveLength(1);
  });
});
