/**
 * Issue 9's reproductions of authority growing (items 1 and 2), each now refused with
 * 403 forbidden + details.missing and nothing changed, and the ceiling an
 * application user acts through. The generated escalation suite covers every grant
 * path; these are the attacks as they were reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { appUser, signedInMember, team } from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { clock } from '../../shared/clock.js';
import { getMember } from '../../shared/data/members.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

const roleOf = async (ws: string, userId: string) => (await getMember(ws, userId, clock.nowEpochSeconds()))?.role;

describe('integrator → admin through an application user', () => {
  it('an integrator cannot create a MembersManage app, so cannot make itself or anyone admin with one', async () => {
    const t = await team(h);
    const integrator = await signedInMember(h, t.ws, { role: 'integrator' });
    // Precondition: the integrator may create app users at all.
    await appUser(h, t.ws, integrator, 'MembersRead');

    const r = await h.request('POST', `/workspaces/${t.ws}/app-users`, { token: integrator.token, body: { name: 'Escalator', accessType: 'MembersManage' } });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatchObject({ code: 'forbidden', details: { missing: ['members.manage'] } });
    const apps = await h.request('GET', `/workspaces/${t.ws}/app-users`, { token: t.owner.token });
    expect(apps.json.items.map((a: { accessType: string }) => a.accessType)).toEqual(['MembersRead']);
    expect(await roleOf(t.ws, integrator.userId)).toBe('integrator');
  });

  it("nor turn an admin's MembersManage app into its own by resetting the secret", async () => {
    const t = await team(h);
    const integrator = await signedInMember(h, t.ws, { role: 'integrator' });
    const app = await appUser(h, t.ws, t.admin, 'MembersManage');
    const r = await h.request('POST', `/workspaces/${t.ws}/app-users/${app.clientId}/secret`, { token: integrator.token, body: {} });
    expect(r.status).toBe(403);
    expect(r.json.error.details.missing).toContain('members.manage');
    // The admin's secret still works: nothing changed.
    const again = await h.request('POST', '/oauth/token', { body: { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret } });
    expect(again.status).toBe(200);
  });

  it("an integrator's app cannot read integrations the integrator cannot see", async () => {
    const t = await team(h);
    const integrator = await signedInMember(h, t.ws, { role: 'integrator' });
    const secret = await h.request('POST', `/workspaces/${t.ws}/integrations`, { token: t.admin.token, body: { name: 'Payroll', config: { apiKey: 'k' } } });
    expect(secret.status).toBe(201);
    expect((await h.request('GET', `/workspaces/${t.ws}/integrations/${secret.json.id}`, { token: integrator.token })).status).toBe(404);

    const r = await h.request('POST', `/workspaces/${t.ws}/app-users`, { token: integrator.token, body: { name: 'Reader', accessType: 'ObjectRead' } });
    expect(r.status).toBe(403);
    expect(r.json.error.details).toEqual({ missing: ['integrations.manage_all'] });
    // The access type an integrator can create reads members only.
    const own = await appUser(h, t.ws, integrator, 'MembersRead');
    expect((await h.request('GET', `/workspaces/${t.ws}/members`, { token: own.token })).status).toBe(200);
    expect((await h.request('GET', `/workspaces/${t.ws}/integrations`, { token: own.token })).status).toBe(403);
  });
});

describe('granting above your own authority', () => {
  it('a custom role with members.read + members.manage makes no one admin, itself included, and cannot reach the subscription', async () => {
    const t = await team(h);
    const role = await h.request('POST', `/workspaces/${t.ws}/roles`, { token: t.owner.token, body: { name: 'Recruiter', permissions: ['members.read', 'members.manage'] } });
    const recruiter = await signedInMember(h, t.ws, { role: role.json.id });
    const other = await seedMember(t.ws, { role: 'contributor' });
    // Precondition: the role does manage members (a role it holds can be given).
    expect((await h.request('PATCH', `/workspaces/${t.ws}/members/${other.userId}`, { token: recruiter.token, body: { role: role.json.id } })).status).toBe(200);

    const self = await h.request('PATCH', `/workspaces/${t.ws}/members/${recruiter.userId}`, { token: recruiter.token, body: { role: 'admin' } });
    expect(self.status).toBe(403);
    expect(self.json.error.details.reason).toBe('own_role');
    const toAdmin = await h.request('PATCH', `/workspaces/${t.ws}/members/${other.userId}`, { token: recruiter.token, body: { role: 'admin' } });
    expect(toAdmin.status).toBe(403);
    expect(toAdmin.json.error.details.missing).toEqual(expect.arrayContaining(['workspace.manage', 'members.export', 'audit.read']));
    expect(toAdmin.json.error.details.missing).not.toContain('members.manage');
    const invite = await h.request('POST', `/workspaces/${t.ws}/invitations`, { token: recruiter.token, body: { emails: [uniqueEmail('x')], role: 'admin' } });
    expect(invite.status).toBe(403);
    expect((await h.request('PUT', `/workspaces/${t.ws}/subscription`, { token: recruiter.token, body: { seats: 500 } })).status).toBe(403);

    expect(await roleOf(t.ws, recruiter.userId)).toBe(role.json.id);
    expect(await roleOf(t.ws, other.userId)).toBe(role.json.id);
    expect((await h.request('GET', `/workspaces/${t.ws}/invitations`, { token: t.owner.token })).json.items).toEqual([]);
  });

  it('an admin cannot put workspace.transfer_ownership into a role, and nobody changes their own role', async () => {
    const t = await team(h);
    const r = await h.request('POST', `/workspaces/${t.ws}/roles`, { token: t.admin.token, body: { name: 'Heir', permissions: ['members.read', 'workspace.transfer_ownership'] } });
    expect(r.status).toBe(403);
    expect(r.json.error.details).toEqual({ missing: ['workspace.transfer_ownership'] });
    const down = await h.request('PATCH', `/workspaces/${t.ws}/members/${t.admin.userId}`, { token: t.admin.token, body: { role: 'reader' } });
    expect(down.status).toBe(403);
    expect(await roleOf(t.ws, t.admin.userId)).toBe('admin');
  });

  it('the owner can still give every built-in role but owner: broader permissions include narrower ones', async () => {
    const t = await team(h);
    for (const role of ['admin', 'integrator', 'contributor_plus', 'contributor', 'restricted_contributor', 'reader']) {
      const m = await seedMember(t.ws, { role: role === 'reader' ? 'contributor' : 'reader' });
      const r = await h.request('PATCH', `/workspaces/${t.ws}/members/${m.userId}`, { token: t.owner.token, body: { role } });
      expect(r.status, role).toBe(200);
    }
  });
});

describe('an application user acts through its ceiling', () => {
  it('a MembersManage app assigns only roles its creator held when creating it', async () => {
    const t = await team(h);
    const role = await h.request('POST', `/workspaces/${t.ws}/roles`, {
      token: t.owner.token, body: { name: 'People ops', permissions: ['members.read', 'members.manage', 'developer.access'] },
    });
    const peopleOps = await signedInMember(h, t.ws, { role: role.json.id });
    const app = await appUser(h, t.ws, peopleOps, 'MembersManage');
    const m = await seedMember(t.ws, { role: 'contributor' });

    const r = await h.request('PATCH', `/workspaces/${t.ws}/members/${m.userId}`, { token: app.token, body: { role: 'admin' } });
    expect(r.status).toBe(403);
    expect(r.json.error.details.missing).toContain('workspace.manage');
    const inv = await h.request('POST', `/workspaces/${t.ws}/invitations`, { token: app.token, body: { emails: [uniqueEmail('x')], role: 'admin' } });
    expect(inv.status).toBe(403);
    // Within the ceiling it works.
    expect((await h.request('PATCH', `/workspaces/${t.ws}/members/${m.userId}`, { token: app.token, body: { role: role.json.id } })).status).toBe(200);

    // The same app type made by an admin carries the admin's ceiling.
    const adminApp = await appUser(h, t.ws, t.admin, 'MembersManage');
    expect((await h.request('PATCH', `/workspaces/${t.ws}/members/${m.userId}`, { token: adminApp.token, body: { role: 'admin' } })).status).toBe(200);
  });

  it('changing the access type records the changer\'s permissions as the new ceiling', async () => {
    const t = await team(h);
    const role = await h.request('POST', `/workspaces/${t.ws}/roles`, {
      token: t.owner.token, body: { name: 'Dev lead', permissions: ['members.read', 'developer.access'] },
    });
    const lead = await signedInMember(h, t.ws, { role: role.json.id });
    const app = await appUser(h, t.ws, t.admin, 'ObjectRead');
    expect((await h.request('GET', `/workspaces/${t.ws}/integrations`, { token: app.token })).status).toBe(200);
    // The lead re-sets it to MembersRead: the ceiling is now the lead's, without integrations.manage_all.
    const p = await h.request('PATCH', `/workspaces/${t.ws}/app-users/${app.clientId}`, { token: lead.token, body: { accessType: 'MembersRead' } });
    expect(p.status).toBe(200);
    const widen = await h.request('PATCH', `/workspaces/${t.ws}/app-users/${app.clientId}`, { token: lead.token, body: { accessType: 'ObjectRead' } });
    expect(widen.status).toBe(403);
    expect((await h.request('GET', `/workspaces/${t.ws}/app-users/${app.clientId}`, { token: t.owner.token })).json.accessType).toBe('MembersRead');
  });
});
