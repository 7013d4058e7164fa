/** Workspace settings, ownership transfer (exactly one owner), and PATCH /me. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { createWorkspace, signIn } from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { emailsTo } from '../support/mail.js';
import { getMember } from '../../shared/data/members.js';
import { getWorkspace } from '../../shared/data/workspaces.js';
import { clock } from '../../shared/clock.js';
import { config } from '../../shared/config.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

describe('ownership transfer', () => {
  it('makes the target owner and the old owner admin, atomically; only the owner may do it', async () => {
    const owner = await signIn(h, uniqueEmail('owner'));
    const ws = await createWorkspace(h, owner, 'Transfer');
    const m = await seedMember(ws, { role: 'admin' });
    const admin = await signIn(h, m.email);

    const byAdmin = await h.request('POST', `/workspaces/${ws}/ownership-transfer`, { token: admin.token, body: { userId: owner.userId } });
    expect(byAdmin.status).toBe(403);

    const r = await h.request('POST', `/workspaces/${ws}/ownership-transfer`, { token: owner.token, body: { userId: m.userId } });
    expect(r.status).toBe(200);
    expect(r.json.ownerId).toBe(m.userId);
    const now = Math.floor(Date.now() / 1000);
    expect((await getMember(ws, m.userId, now))!.role).toBe('owner');
    expect((await getMember(ws, owner.userId, now))!.role).toBe('admin');
    const audit = await h.request('GET', `/workspaces/${ws}/audit-events`, { token: admin.token });
    expect(audit.json.items[0]).toMatchObject({ action: 'ownership.transferred', details: { from: owner.userId, to: m.userId } });
  });

  it('refuses inactive targets and non-members', async () => {
    const owner = await signIn(h, uniqueEmail('owner'));
    const ws = await createWorkspace(h, owner, 'Picky');
    const suspended = await seedMember(ws, { status: 'suspended' });
    const r = await h.request('POST', `/workspaces/${ws}/ownership-transfer`, { token: owner.token, body: { userId: suspended.userId } });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('member_not_active');
    const stranger = await h.request('POST', `/workspaces/${ws}/ownership-transfer`, { token: owner.token, body: { userId: 'usr_01JNOBODY000000000000000000' } });
    expect(stranger.status).toBe(404);
  });

  it('the new owner stops holding their custom role, so the role can be deleted afterwards', async () => {
    const owner = await signIn(h, uniqueEmail('owner'));
    const ws = await createWorkspace(h, owner, 'Heirs');
    const role = await h.request('POST', `/workspaces/${ws}/roles`, { token: owner.token, body: { name: 'Steward', permissions: ['members.read'] } });
    expect(role.status).toBe(201);
    const heir = await seedMember(ws, { role: 'contributor' });
    expect((await h.request('PATCH', `/workspaces/${ws}/members/${heir.userId}`, { token: owner.token, body: { role: role.json.id } })).status).toBe(200);
    // Precondition: while the heir holds it, the role is in use.
    expect((await h.request('DELETE', `/workspaces/${ws}/roles/${role.json.id}`, { token: owner.token })).json.error.code).toBe('role_in_use');

    expect((await h.request('POST', `/workspaces/${ws}/ownership-transfer`, { token: owner.token, body: { userId: heir.userId } })).status).toBe(200);
    const del = await h.request('DELETE', `/workspaces/${ws}/roles/${role.json.id}`, { token: owner.token });
    expect(del.status).toBe(204);
  });

  it('concurrent transfers to different members leave exactly one owner', async () => {
    const owner = await signIn(h, uniqueEmail('owner'));
    const ws = await createWorkspace(h, owner, 'Race');
    const targets = await Promise.all([1, 2, 3, 4, 5].map(() => seedMember(ws, { role: 'admin' })));
    const results = await Promise.all(targets.map((t) =>
      h.request('POST', `/workspaces/${ws}/ownership-transfer`, { token: owner.token, body: { userId: t.userId } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const now = Math.floor(Date.now() / 1000);
    const roles = await Promise.all([owner.userId, ...targets.map((t) => t.userId)].map(async (u) => (await getMember(ws, u, now))!.role));
    expect(roles.filter((r) => r === 'owner')).toHaveLength(1);
    const w = await getWorkspace(ws, true);
    expect((await getMember(ws, w!.ownerId, now))!.role).toBe('owner');
  });
});

describe('default role', () => {
  it('setting a custom default role and deleting that role race: exactly one wins', async () => {
    const owner = await signIn(h, uniqueEmail('owner'));
    const ws = await createWorkspace(h, owner, 'Defaults');
    for (let round = 0; round < 4; round++) {
      const role = await h.request('POST', `/workspaces/${ws}/roles`, { token: owner.token, body: { name: `Auditor ${round}`, permissions: ['members.read'] } });
      expect(role.status).toBe(201);
      const [patch, del] = await Promise.all([
        h.request('PATCH', `/workspaces/${ws}`, { token: owner.token, body: { defaultRole: role.json.id } }),
        h.request('DELETE', `/workspaces/${ws}/roles/${role.json.id}`, { token: owner.token }),
      ]);
      const ws1 = (await h.request('GET', `/workspaces/${ws}`, { token: owner.token })).json;
      if (patch.status === 200) {
        expect(del.status).toBe(409);
        expect(ws1.defaultRole).toBe(role.json.id);
        await h.request('PATCH', `/workspaces/${ws}`, { token: owner.token, body: { defaultRole: 'contributor' } });
      } else {
        expect(patch.status).toBe(400);
        expect(patch.json.error.code).toBe('unknown_role');
        expect(del.status).toBe(204);
        expect(ws1.defaultRole).not.toBe(role.json.id);
      }
    }
  });
});

describe('PATCH /me', () => {
  it('renames the user and the name shown on their memberships', async () => {
    const p = await signIn(h, uniqueEmail('renamer'), 'Old Name');
    const ws = await createWorkspace(h, p, 'Mine');
    const r = await h.request('PATCH', '/me', { token: p.token, body: { fullName: '  New Name ' } });
    expect(r.status).toBe(200);
    expect(r.json.user.fullName).toBe('New Name');
    expect((await getMember(ws, p.userId, Math.floor(Date.now() / 1000)))!.fullName).toBe('New Name');
    expect((await h.request('PATCH', '/me', { token: p.token, body: { fullName: '' } })).status).toBe(400);
  });
});

describe('workspace creation is limited per user and day', () => {
  const DAY = 24 * 3600;
  const advanceClock = (advanceSeconds: number) => h.request('POST', '/_local/clock', { body: { advanceSeconds } });
  const create = (token: string, name: string) => h.request('POST', '/workspaces', { token, body: { name } });
  const workspacesOf = async (token: string) => (await h.request('GET', '/me', { token })).json.workspaces as unknown[];

  it('refuses the creation past the limit with 429 and Retry-After, writes nothing, and allows it again the next day', async () => {
    expect(config.workspacesPerUserPerDay).toBe(10);
    // Start at the beginning of a day window, then sign in (a session lives 15 minutes).
    await advanceClock(DAY - (clock.nowEpochSeconds() % DAY));
    const busy = await signIn(h, uniqueEmail('founder'));
    for (let i = 1; i <= 10; i++) expect((await create(busy.token, `Venture ${i}`)).status).toBe(201);
    expect(await workspacesOf(busy.token)).toHaveLength(10);

    const refused = await create(busy.token, 'Venture 11');
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(DAY - 15 * 60);
    expect(retryAfter).toBeLessThanOrEqual(DAY);
    expect(await workspacesOf(busy.token)).toHaveLength(10);

    // Someone else's budget is their own.
    const other = await signIn(h, uniqueEmail('other'));
    expect((await create(other.token, 'Elsewhere')).status).toBe(201);

    await advanceClock(retryAfter);
    const tomorrow = await signIn(h, busy.email);
    expect((await create(tomorrow.token, 'Venture 11')).status).toBe(201);
  });

  it('holds under concurrency: of 14 simultaneous creations, exactly 10 succeed', async () => {
    await advanceClock(DAY - (clock.nowEpochSeconds() % DAY));
    const racer = await signIn(h, uniqueEmail('racer'));
    const results = await Promise.all(Array.from({ length: 14 }, (_, i) => create(racer.token, `Race ${i}`)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(10).fill(201), ...Array(4).fill(429)]);
    expect(await workspacesOf(racer.token)).toHaveLength(10);
  });
});

describe('names placed in email headers', () => {
  it('a CR/LF in a workspace name never reaches the subject line', async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Acme\r\nBcc: attacker@evil.example\u0000\u2028X');
    // The name itself is kept as given (it is data); only the header is cleaned.
    expect((await getWorkspace(ws))!.name).toContain('\r\n');
    const invitee = uniqueEmail('invitee');
    expect((await h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body: { emails: [invitee] } })).status).toBe(200);
    await h.drain();
    const [mail] = await emailsTo(invitee);
    expect(mail!.subject).toBe('Olive Owner invited you to Acme Bcc: attacker@evil.example X');
    expect(mail!.destination.bcc ?? []).toEqual([]);
  });
});
