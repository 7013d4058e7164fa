import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { lastLinkTo } from '../support/mail.js';
import { createWorkspace, signIn, type Person } from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { clock, addSeconds } from '../../shared/clock.js';
import { transact } from '../../shared/data/core.js';
import { getMember, replaceMemberPart } from '../../shared/data/members.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

async function ownerWithWorkspace(): Promise<{ owner: Person; ws: string }> {
  const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
  return { owner, ws: await createWorkspace(h, owner, 'Roles Inc') };
}

async function createRole(owner: Person, ws: string, name: string, permissions: string[]) {
  return h.request('POST', `/workspaces/${ws}/roles`, { token: owner.token, body: { name, permissions } });
}

/** Invite and accept through the API, returning the new member's session. */
async function join(owner: Person, ws: string, role: string): Promise<Person> {
  const email = uniqueEmail('joiner');
  const r = await h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body: { emails: [email], role } });
  expect(r.json.results[0].status).toBe('invited');
  await h.drain();
  const accepted = await h.request('POST', `/invitations/${await lastLinkTo(email, 'invitations')}/accept`, { body: { fullName: 'Jo Joiner' } });
  expect(accepted.status).toBe(200);
  return { email, userId: accepted.json.member.userId, token: accepted.json.session.access_token, refreshToken: accepted.json.session.refresh_token };
}

// The seed 003 matrix and Roster's own permissions, written out here independently of the code's table.
const EXPECTED_BUILT_INS: Record<string, string[]> = {
  owner: ['workspace.transfer_ownership', 'workspace.manage', 'members.read', 'members.manage', 'members.export', 'auth.manage',
    'developer.access', 'integrations.manage_all', 'integrations.create', 'apps.install', 'audit.read', 'contacts.export',
    'contacts.import', 'transactions.edit_all_folders', 'templates.edit', 'templates.read_all', 'templates.use_published'],
  admin: ['workspace.manage', 'members.read', 'members.manage', 'members.export', 'auth.manage', 'developer.access',
    'integrations.manage_all', 'integrations.create', 'apps.install', 'audit.read', 'contacts.export', 'contacts.import',
    'transactions.edit_all_folders', 'templates.edit', 'templates.read_all', 'templates.use_published'],
  integrator: ['members.read', 'auth.manage', 'developer.access', 'integrations.create', 'transactions.edit_permitted_folders',
    'templates.read_published', 'templates.use_published'],
  contributor_plus: ['members.read', 'integrations.create', 'transactions.edit_permitted_folders', 'templates.edit',
    'templates.read_all', 'templates.use_published'],
  contributor: ['members.read', 'integrations.create', 'transactions.edit_permitted_folders', 'templates.read_published',
    'templates.use_published'],
  restricted_contributor: ['members.read', 'templates.read_published', 'templates.use_published'],
  reader: ['members.read', 'transactions.read_permitted_folders'],
};

describe('roles', () => {
  it('lists the seven built-in roles with the contract\'s permission matrix, then custom roles', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const created = await createRole(owner, ws, 'Auditor', ['audit.read', 'members.read']);
    const r = await h.request('GET', `/workspaces/${ws}/roles`, { token: owner.token });
    expect(r.status).toBe(200);
    expect(r.json.items.slice(0, 7).map((x: { id: string }) => x.id)).toEqual(Object.keys(EXPECTED_BUILT_INS));
    for (const role of r.json.items.slice(0, 7)) {
      expect(role.builtIn).toBe(true);
      expect([...role.permissions].sort()).toEqual([...EXPECTED_BUILT_INS[role.id]!].sort());
    }
    expect(r.json.items.find((x: { id: string }) => x.id === 'contributor_plus').name).toBe('Contributor+');
    expect(r.json.items[7]).toEqual({ id: created.json.id, name: 'Auditor', builtIn: false, permissions: ['members.read', 'audit.read'] });
    expect(r.json.items).toHaveLength(8);
  });

  it('creates, edits and deletes a custom role, with audit events', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const c = await createRole(owner, ws, '  Billing  ', ['contacts.export', 'members.read', 'contacts.export']);
    expect(c.status).toBe(201);
    expect(c.json).toEqual({ id: expect.stringMatching(/^role_[0-9A-Z]{26}$/), name: 'Billing', builtIn: false, permissions: ['members.read', 'contacts.export'] });
    const p = await h.request('PATCH', `/workspaces/${ws}/roles/${c.json.id}`, { token: owner.token, body: { name: 'Finance', permissions: ['audit.read'] } });
    expect(p.status).toBe(200);
    expect(p.json).toEqual({ id: c.json.id, name: 'Finance', builtIn: false, permissions: ['audit.read'] });
    // The old name is free again, the new one is taken.
    expect((await createRole(owner, ws, 'billing', [])).status).toBe(201);
    expect((await createRole(owner, ws, 'FINANCE', [])).json.error.code).toBe('role_name_taken');
    const d = await h.request('DELETE', `/workspaces/${ws}/roles/${c.json.id}`, { token: owner.token });
    expect(d.status).toBe(204);
    expect((await h.request('PATCH', `/workspaces/${ws}/roles/${c.json.id}`, { token: owner.token, body: { name: 'X' } })).status).toBe(404);
    expect((await h.request('DELETE', `/workspaces/${ws}/roles/${c.json.id}`, { token: owner.token })).status).toBe(404);
    expect((await createRole(owner, ws, 'Finance', [])).status).toBe(201);
    const audit = await h.request('GET', `/workspaces/${ws}/audit-events?limit=10`, { token: owner.token });
    const actions = audit.json.items.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 4)).toEqual(['role.created', 'role.deleted', 'role.created', 'role.updated']);
    expect(audit.json.items.find((e: { action: string }) => e.action === 'role.updated').details).toEqual({
      name: { from: 'Billing', to: 'Finance' }, permissions: { from: ['members.read', 'contacts.export'], to: ['audit.read'] },
    });
  });

  it('rejects bad roles with 400/409 and changes nothing', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const unknownPerm = await createRole(owner, ws, 'Bad', ['members.read', 'root.everything']);
    expect(unknownPerm.status).toBe(400);
    expect(unknownPerm.json.error.details.fields).toBeDefined();
    expect((await createRole(owner, ws, 'Heir', ['workspace.transfer_ownership'])).status).toBe(400);
    expect((await createRole(owner, ws, '', [])).status).toBe(400);
    expect((await h.request('POST', `/workspaces/${ws}/roles`, { token: owner.token, body: { name: 'X', permissions: [], extra: 1 } })).status).toBe(400);
    const shadow = await createRole(owner, ws, 'admin', []);
    expect(shadow.status).toBe(409);
    expect(shadow.json.error.code).toBe('role_name_taken');
    expect((await createRole(owner, ws, 'Restricted Contributor', [])).status).toBe(409);
    for (const builtIn of ['owner', 'admin', 'reader']) {
      const patch = await h.request('PATCH', `/workspaces/${ws}/roles/${builtIn}`, { token: owner.token, body: { permissions: [] } });
      expect(patch.status).toBe(409);
      expect(patch.json.error.code).toBe('built_in_role');
      const del = await h.request('DELETE', `/workspaces/${ws}/roles/${builtIn}`, { token: owner.token });
      expect(del.json.error.code).toBe('built_in_role');
    }
    const list = await h.request('GET', `/workspaces/${ws}/roles`, { token: owner.token });
    expect(list.json.items).toHaveLength(7);
    expect(list.json.items.find((r: { id: string }) => r.id === 'reader').permissions).toEqual(['members.read', 'transactions.read_permitted_folders']);
  });

  it('only workspace.manage may create, edit or delete roles; every member may list them', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const role = await createRole(owner, ws, 'Ops', ['members.read']);
    const integrator = await join(owner, ws, 'integrator');
    expect((await h.request('GET', `/workspaces/${ws}/roles`, { token: integrator.token })).status).toBe(200);
    expect((await createRole(integrator, ws, 'Mine', [])).status).toBe(403);
    expect((await h.request('PATCH', `/workspaces/${ws}/roles/${role.json.id}`, { token: integrator.token, body: { permissions: ['members.manage'] } })).status).toBe(403);
    expect((await h.request('DELETE', `/workspaces/${ws}/roles/${role.json.id}`, { token: integrator.token })).status).toBe(403);
    const admin = await join(owner, ws, 'admin');
    expect((await createRole(admin, ws, 'By admin', [])).status).toBe(201);
  });
});

describe('role_in_use', () => {
  it('a role held by a pending invitation, a member (removed ones too) or the default role cannot be deleted', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const role = (await createRole(owner, ws, 'Support', ['members.read'])).json.id as string;
    const del = () => h.request('DELETE', `/workspaces/${ws}/roles/${role}`, { token: owner.token });

    // Pending invitation.
    await h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body: { emails: [uniqueEmail('inv')], role } });
    const inUse = await del();
    expect(inUse.status).toBe(409);
    expect(inUse.json.error.code).toBe('role_in_use');
    const [inv] = (await h.request('GET', `/workspaces/${ws}/invitations`, { token: owner.token })).json.items;
    await h.request('DELETE', `/workspaces/${ws}/invitations/${inv.id}`, { token: owner.token });

    // Default role.
    await h.request('PATCH', `/workspaces/${ws}`, { token: owner.token, body: { defaultRole: role } });
    const asDefault = await del();
    expect(asDefault.status).toBe(409);
    expect(asDefault.json.error.details).toEqual({ reason: 'default_role' });
    await h.request('PATCH', `/workspaces/${ws}`, { token: owner.token, body: { defaultRole: 'contributor' } });

    // A member who accepted it — still held while removed inside the window.
    const member = await join(owner, ws, role);
    expect((await del()).json.error.code).toBe('role_in_use');
    const m = (await getMember(ws, member.userId, clock.nowEpochSeconds()))!;
    const now = clock.nowIso();
    await transact([replaceMemberPart({ ...m, status: 'removed', removedAt: now, purgeAt: addSeconds(now, 14 * 24 * 3600) })]);
    expect((await del()).json.error.code).toBe('role_in_use');
    expect((await h.request('GET', `/workspaces/${ws}/roles`, { token: owner.token })).json.items).toHaveLength(8);
  });

  it('an unused role can be deleted, and a deleted role can no longer be assigned', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const role = (await createRole(owner, ws, 'Temp', [])).json.id as string;
    const email = uniqueEmail('inv');
    await h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body: { emails: [email], role } });
    const [inv] = (await h.request('GET', `/workspaces/${ws}/invitations`, { token: owner.token })).json.items;
    expect((await h.request('DELETE', `/workspaces/${ws}/roles/${role}`, { token: owner.token })).status).toBe(409);
    expect((await h.request('DELETE', `/workspaces/${ws}/invitations/${inv.id}`, { token: owner.token })).status).toBe(204);
    expect((await h.request('DELETE', `/workspaces/${ws}/roles/${role}`, { token: owner.token })).status).toBe(204);
    const again = await h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body: { emails: [email], role } });
    expect(again.status).toBe(400);
    expect(again.json.error.code).toBe('unknown_role');
  });

  it('deleting a role while inviting with it: either the delete or the invitation wins, never both', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    for (let round = 0; round < 4; round++) {
      const role = (await createRole(owner, ws, `Racy ${round}`, [])).json.id as string;
      const [invited, deleted] = await Promise.all([
        h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body: { emails: [uniqueEmail('race')], role } }),
        h.request('DELETE', `/workspaces/${ws}/roles/${role}`, { token: owner.token }),
      ]);
      const invitedOk = invited.status === 200 && invited.json.results[0].status === 'invited';
      const deletedOk = deleted.status === 204;
      expect(invitedOk !== deletedOk).toBe(true);
      if (invitedOk) expect(deleted.json.error.code).toBe('role_in_use');
      else expect(invited.status).toBe(400);
    }
  });
});

describe('member permissions', () => {
  it('answers a member\'s effective permissions; custom role edits apply at once, also to enforcement', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const role = (await createRole(owner, ws, 'Recruiter', ['members.read', 'members.manage'])).json.id as string;
    const recruiter = await join(owner, ws, role);
    const perms = await h.request('GET', `/workspaces/${ws}/members/${recruiter.userId}/permissions`, { token: owner.token });
    expect(perms.status).toBe(200);
    expect(perms.json).toEqual({ userId: recruiter.userId, role, permissions: ['members.read', 'members.manage'] });
    // Inviting with their own role: the recruiter holds all of it.
    const asRecruiter = () => h.request('POST', `/workspaces/${ws}/invitations`, { token: recruiter.token, body: { emails: [uniqueEmail('hire')], role } });
    expect((await asRecruiter()).status).toBe(200);

    await h.request('PATCH', `/workspaces/${ws}/roles/${role}`, { token: owner.token, body: { permissions: ['members.read'] } });
    expect((await h.request('GET', `/workspaces/${ws}/members/${recruiter.userId}/permissions`, { token: recruiter.token })).json.permissions).toEqual(['members.read']);
    expect((await asRecruiter()).status).toBe(403);

    const ownerPerms = await h.request('GET', `/workspaces/${ws}/members/${owner.userId}/permissions`, { token: recruiter.token });
    expect([...ownerPerms.json.permissions].sort()).toEqual([...EXPECTED_BUILT_INS.owner!].sort());
  });

  it('a member who is not active may do nothing; non-members and removed members are 404', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const suspended = await seedMember(ws, { status: 'suspended', role: 'admin' });
    const r = await h.request('GET', `/workspaces/${ws}/members/${suspended.userId}/permissions`, { token: owner.token });
    expect(r.json).toEqual({ userId: suspended.userId, role: 'admin', permissions: [] });
    const removed = await seedMember(ws, { status: 'removed' });
    expect((await h.request('GET', `/workspaces/${ws}/members/${removed.userId}/permissions`, { token: owner.token })).status).toBe(404);
    expect((await h.request('GET', `/workspaces/${ws}/members/usr_01JNOBODY000000000000000000/permissions`, { token: owner.token })).status).toBe(404);
    const other = await ownerWithWorkspace();
    expect((await h.request('GET', `/workspaces/${ws}/members/${other.owner.userId}/permissions`, { token: owner.token })).status).toBe(404);
  });
});

describe('tenant isolation', () => {
  it('workspace B never sees or changes workspace A\'s roles', async () => {
    const a = await ownerWithWorkspace();
    const b = await ownerWithWorkspace();
    const role = (await createRole(a.owner, a.ws, 'Secret A', ['audit.read'])).json.id as string;
    expect((await h.request('GET', `/workspaces/${a.ws}/roles`, { token: b.owner.token })).status).toBe(404);
    expect((await createRole(b.owner, a.ws, 'Intruder', [])).status).toBe(404);
    for (const ws of [a.ws, b.ws]) {
      expect((await h.request('PATCH', `/workspaces/${ws}/roles/${role}`, { token: b.owner.token, body: { name: 'Pwned' } })).status).toBe(404);
      expect((await h.request('DELETE', `/workspaces/${ws}/roles/${role}`, { token: b.owner.token })).status).toBe(404);
    }
    expect((await h.request('GET', `/workspaces/${a.ws}/members/${a.owner.userId}/permissions`, { token: b.owner.token })).status).toBe(404);
    expect((await h.request('GET', `/workspaces/${b.ws}/members/${a.owner.userId}/permissions`, { token: b.owner.token })).status).toBe(404);
    // B's list has no trace of A's role, and A's role is untouched.
    expect((await h.request('GET', `/workspaces/${b.ws}/roles`, { token: b.owner.token })).json.items).toHaveLength(7);
    const listA = await h.request('GET', `/workspaces/${a.ws}/roles`, { token: a.owner.token });
    expect(listA.json.items[7]).toEqual({ id: role, name: 'Secret A', builtIn: false, permissions: ['audit.read'] });
    // B cannot invite into A with A's role either.
    const inv = await h.request('POST', `/workspaces/${b.ws}/invitations`, { token: b.owner.token, body: { emails: [uniqueEmail('x')], role } });
    expect(inv.status).toBe(400);
  });
});
