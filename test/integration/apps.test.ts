/**
 * Marketplace apps (seed 004) on DynamoDB Local + the SES emulator: the catalog,
 * installs for "only me" / "me + all users" / "me + specific users", per-user
 * pending → authorized, later joiners of "all", "+ Add" (add/remove), notify emails
 * with the administrator's and the app's names, effective users following membership,
 * uninstall, and authorization and tenant isolation on every route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestResponse } from '../support/harness.js';
import { type Person, type Team } from '../support/given.js';
import * as given from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { emailsTo, linksIn } from '../support/mail.js';
import { clock } from '../../shared/clock.js';
import { transact } from '../../shared/data/core.js';
import { getMember, replaceMemberPart } from '../../shared/data/members.js';
import { releaseSeatPart } from '../../shared/data/workspaces.js';
import { advanceClock } from '../support/clock.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

const team = () => given.team(h, { name: 'Acme Apps', seats: 100, ownerName: 'Olivia Owner' });
const member = (ws: string, role = 'contributor', fullName?: string) => given.signedInMember(h, ws, { role, fullName });

const apps = (t: Team) => `/workspaces/${t.ws}/apps`;
const install = (t: Team, appId: string, by: Person | string, body: Record<string, unknown>) =>
  h.request('POST', `${apps(t)}/${appId}/install`, { token: typeof by === 'string' ? by : by.token, body: { acceptPermissions: true, ...body } });
const getInst = (t: Team, appId: string, by: Person | string) =>
  h.request('GET', `${apps(t)}/${appId}`, { token: typeof by === 'string' ? by : by.token });
const authorize = (t: Team, appId: string, by: Person | string) =>
  h.request('POST', `${apps(t)}/${appId}/authorize`, { token: typeof by === 'string' ? by : by.token });
const patchUsers = (t: Team, appId: string, by: Person | string, body: Record<string, unknown>) =>
  h.request('PATCH', `${apps(t)}/${appId}/users`, { token: typeof by === 'string' ? by : by.token, body });

type UserRow = { userId: string; status: string; addedAt: string; authorizedAt?: string };
const statuses = (r: TestResponse) => Object.fromEntries((r.json.users as UserRow[]).map((u) => [u.userId, u.status]));
const appMails = async (address: string) => (await emailsTo(address)).filter((m) => / added .* for you$/.test(m.subject));

async function auditOf(t: Team, appId: string) {
  const r = await h.request('GET', `/workspaces/${t.ws}/audit-events?limit=100`, { token: t.owner.token });
  return (r.json.items as { action: string; actor: { id: string }; target: { type: string; id: string }; details: Record<string, unknown> }[])
    .filter((e) => e.target.type === 'app' && e.target.id === appId);
}

async function appToken(t: Team, accessType: string): Promise<string> {
  const app = await h.request('POST', `/workspaces/${t.ws}/app-users`, { token: t.owner.token, body: { name: 'Robot', accessType } });
  const tok = await h.request('POST', '/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: app.json.clientId, client_secret: app.json.clientSecret },
  });
  expect(tok.status).toBe(200);
  return tok.json.access_token as string;
}

/** Deactivation as reconciliation does it (the route for it is the seat job's). */
async function deactivate(ws: string, userId: string): Promise<void> {
  const m = (await getMember(ws, userId, clock.nowEpochSeconds()))!;
  const now = clock.nowIso();
  await transact([replaceMemberPart({ ...m, status: 'deactivated', deactivatedAt: now, updatedAt: now }), releaseSeatPart(ws, now)]);
}

describe('the catalog', () => {
  it('GET /apps lists at least three configured apps, one of which refuses user selection; no token needed', async () => {
    const r = await h.request('GET', '/apps');
    expect(r.status).toBe(200);
    expect(r.json.items.length).toBeGreaterThanOrEqual(3);
    for (const app of r.json.items) {
      expect(Object.keys(app).sort()).toEqual(['allowsUserSelection', 'developer', 'id', 'name', 'permissions']);
      expect(app.permissions.length).toBeGreaterThan(0);
    }
    expect(r.json.items.filter((a: { allowsUserSelection: boolean }) => !a.allowsUserSelection).map((a: { id: string }) => a.id)).toEqual(['ledgerlink']);
  });
});

describe('installing', () => {
  it('"me + specific": the installer is authorized at once, the others stay pending until each authorizes', async () => {
    const t = await team();
    const ann = await member(t.ws, 'contributor', 'Ann');
    const bob = await member(t.ws, 'reader', 'Bob');
    const outsider = await member(t.ws);

    const r = await install(t, 'mailbridge', t.admin, { audience: 'specific', users: [ann.email.toUpperCase(), bob.userId, t.admin.email] });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ appId: 'mailbridge', name: 'MailBridge', audience: 'specific', installedBy: t.admin.userId });
    expect(statuses(r)).toEqual({ [t.admin.userId]: 'authorized', [ann.userId]: 'pending', [bob.userId]: 'pending' });
    const installer = (r.json.users as UserRow[]).find((u) => u.userId === t.admin.userId)!;
    expect(installer.authorizedAt).toBe(r.json.installedAt);
    expect((r.json.users as UserRow[]).find((u) => u.userId === ann.userId)!.authorizedAt).toBeUndefined();

    const a = await authorize(t, 'mailbridge', ann);
    expect(a.status).toBe(200);
    expect(statuses(a)).toEqual({ [t.admin.userId]: 'authorized', [ann.userId]: 'authorized', [bob.userId]: 'pending' });
    expect((await authorize(t, 'mailbridge', ann)).status).toBe(200);

    const denied = await authorize(t, 'mailbridge', outsider);
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe('app_not_added');

    expect(statuses(await authorize(t, 'mailbridge', bob))).toEqual({
      [t.admin.userId]: 'authorized', [ann.userId]: 'authorized', [bob.userId]: 'authorized',
    });
    const seen = await getInst(t, 'mailbridge', outsider);
    expect(seen.status).toBe(200);
    expect(Object.keys(statuses(seen))).not.toContain(outsider.userId);

    expect((await auditOf(t, 'mailbridge')).map((e) => e.action)).toEqual(['app.authorized', 'app.authorized', 'app.installed']);
  });

  it('"me": only the installer; "all": every active member, and members who join later are pending', async () => {
    const t = await team();
    const c = await seedMember(t.ws);
    const me = await install(t, 'chatpulse', t.owner, { audience: 'me' });
    expect(statuses(me)).toEqual({ [t.owner.userId]: 'authorized' });

    const all = await install(t, 'meetsync', t.admin, { audience: 'all' });
    expect(all.status).toBe(201);
    expect(statuses(all)).toEqual({ [t.owner.userId]: 'pending', [t.admin.userId]: 'authorized', [c.userId]: 'pending' });

    await advanceClock(h, 5);
    const later = await member(t.ws, 'reader', 'Late Joiner');
    const after = await getInst(t, 'meetsync', later);
    expect(statuses(after)[later.userId]).toBe('pending');
    const row = (after.json.users as UserRow[]).find((u) => u.userId === later.userId)!;
    expect(row.addedAt > all.json.installedAt).toBe(true);

    const ok = await authorize(t, 'meetsync', later);
    expect(statuses(ok)[later.userId]).toBe('authorized');
    const list = await h.request('GET', apps(t), { token: later.token });
    expect(list.status).toBe(200);
    expect(list.json.items.map((i: { appId: string }) => i.appId).sort()).toEqual(['chatpulse', 'meetsync']);
    expect(statuses({ json: list.json.items.find((i: { appId: string }) => i.appId === 'meetsync') } as TestResponse)[later.userId]).toBe('authorized');
  });

  it('notify emails each added member (not the installer) with the administrator\'s full name and the app\'s name', async () => {
    const t = await team();
    const ann = await seedMember(t.ws);
    const bob = await seedMember(t.ws);
    const quiet = await seedMember(t.ws);
    expect((await install(t, 'mailbridge', t.admin, { audience: 'specific', users: [ann.email, bob.email], notify: true })).status).toBe(201);
    expect((await install(t, 'chatpulse', t.admin, { audience: 'specific', users: [quiet.email] })).status).toBe(201);
    await h.drain();
    for (const p of [ann, bob]) {
      const mails = await appMails(p.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('Adam Admin added MailBridge for you');
      // "Authorize app" opens the Console's My apps page (a person's browser has no bearer token).
      expect(linksIn(mails[0]!)).toEqual([`http://127.0.0.1:3000/console/workspaces/${t.ws}/my-apps/mailbridge`]);
      expect(mails[0]!.body.html).toContain('Adam Admin');
      expect(mails[0]!.body.html).toContain('MailBridge');
    }
    expect(await appMails(quiet.email)).toHaveLength(0);
    expect(await appMails(t.admin.email)).toHaveLength(0);

    const all = await install(t, 'meetsync', t.owner, { audience: 'all', notify: true });
    expect(all.status).toBe(201);
    await h.drain();
    expect((await appMails(quiet.email)).map((m) => m.subject)).toEqual(['Olivia Owner added MeetSync for you']);
    expect(await appMails(t.owner.email)).toHaveLength(0);
  });

  it('an app with allowsUserSelection: false refuses "specific" (422) but installs for me or all', async () => {
    const t = await team();
    const c = await seedMember(t.ws);
    const r = await install(t, 'ledgerlink', t.admin, { audience: 'specific', users: [c.userId] });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe('user_selection_not_supported');
    expect((await getInst(t, 'ledgerlink', t.admin)).status).toBe(404);
    expect((await install(t, 'ledgerlink', t.admin, { audience: 'me' })).status).toBe(201);
    const add = await patchUsers(t, 'ledgerlink', t.admin, { add: [c.userId] });
    expect(add.status).toBe(422);
    expect(add.json.error.code).toBe('user_selection_not_supported');
    expect(statuses(await getInst(t, 'ledgerlink', t.admin))).toEqual({ [t.admin.userId]: 'authorized' });
  });

  it('refuses bad requests without installing: unknown app 404, twice 409, permissions not accepted 400, unknown users 422', async () => {
    const t = await team();
    const suspended = await seedMember(t.ws, { status: 'suspended' });
    const unknownApp = await install(t, 'nosuchapp', t.admin, { audience: 'me' });
    expect(unknownApp.status).toBe(404);
    expect(unknownApp.json.error.code).toBe('app_not_found');
    for (const body of [
      { audience: 'me', acceptPermissions: false }, { audience: 'everyone' }, { audience: 'specific' },
      { audience: 'me', users: [t.owner.userId] }, { audience: 'specific', users: [] },
    ]) {
      const r = await install(t, 'mailbridge', t.admin, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    const noAccept = await h.request('POST', `${apps(t)}/mailbridge/install`, { token: t.admin.token, body: { audience: 'me' } });
    expect(noAccept.status).toBe(400);
    const unknown = await install(t, 'mailbridge', t.admin, { audience: 'specific', users: [suspended.email, 'nobody@example.com'] });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toMatchObject({ code: 'unknown_members', details: { unknown: [suspended.email, 'nobody@example.com'] } });
    expect((await getInst(t, 'mailbridge', t.admin)).status).toBe(404);

    expect((await install(t, 'mailbridge', t.admin, { audience: 'me' })).status).toBe(201);
    const again = await install(t, 'mailbridge', t.owner, { audience: 'all' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('app_already_installed');
    expect((await getInst(t, 'mailbridge', t.admin)).json.audience).toBe('me');
  });

  it('concurrent installs of one app: exactly one succeeds, the others get 409', async () => {
    const t = await team();
    const results = await Promise.all([t.owner, t.admin, t.owner, t.admin].map((p) => install(t, 'chatpulse', p, { audience: 'me' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect((await auditOf(t, 'chatpulse')).filter((e) => e.action === 'app.installed')).toHaveLength(1);
  });
});

describe('"+ Add": adding and removing users of an installed app', () => {
  it('adds people as pending (emailing them), removes others; the installer stays', async () => {
    const t = await team();
    const ann = await member(t.ws, 'contributor', 'Ann');
    const bob = await seedMember(t.ws);
    const me = await install(t, 'mailbridge', t.admin, { audience: 'me' });
    expect(me.json.audience).toBe('me');

    const added = await patchUsers(t, 'mailbridge', t.admin, { add: [ann.email, bob.userId], notify: true });
    expect(added.status).toBe(200);
    expect(added.json.audience).toBe('specific');
    expect(statuses(added)).toEqual({ [t.admin.userId]: 'authorized', [ann.userId]: 'pending', [bob.userId]: 'pending' });
    await authorize(t, 'mailbridge', ann);

    // Adding someone already there changes nothing and sends nothing.
    await patchUsers(t, 'mailbridge', t.admin, { add: [ann.userId, bob.userId], notify: true });
    await h.drain();
    expect(await appMails(ann.email)).toHaveLength(1);
    expect((await appMails(bob.email))[0]!.subject).toBe('Adam Admin added MailBridge for you');

    const removed = await patchUsers(t, 'mailbridge', t.admin, { remove: [ann.email, bob.userId] });
    expect(statuses(removed)).toEqual({ [t.admin.userId]: 'authorized' });
    expect(removed.json.audience).toBe('me');
    expect((await authorize(t, 'mailbridge', ann)).status).toBe(403);

    // Added back: pending again — the earlier authorization does not come back.
    expect(statuses(await patchUsers(t, 'mailbridge', t.admin, { add: [ann.userId] }))[ann.userId]).toBe('pending');

    const installer = await patchUsers(t, 'mailbridge', t.owner, { remove: [t.admin.userId] });
    expect(installer.status).toBe(409);
    expect(installer.json.error.code).toBe('installer_cannot_be_removed');
    const both = await patchUsers(t, 'mailbridge', t.admin, { add: [bob.userId], remove: [bob.email] });
    expect(both.status).toBe(400);
    const unknown = await patchUsers(t, 'mailbridge', t.admin, { add: ['ghost@example.com'] });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.code).toBe('unknown_members');

    const changes = (await auditOf(t, 'mailbridge')).filter((e) => e.action === 'app.users_changed');
    expect(changes).toHaveLength(3);
    expect(changes[1]!.details).toMatchObject({ added: [], removed: [ann.userId, bob.userId] });
  });

  it('on an "all" install, removing a member excludes them (also from being re-added by membership) until added back', async () => {
    const t = await team();
    const c = await member(t.ws);
    await install(t, 'meetsync', t.owner, { audience: 'all' });
    const r = await patchUsers(t, 'meetsync', t.owner, { remove: [c.userId] });
    expect(Object.keys(statuses(r))).not.toContain(c.userId);
    expect((await authorize(t, 'meetsync', c)).status).toBe(403);
    expect(statuses(await patchUsers(t, 'meetsync', t.owner, { add: [c.email] }))[c.userId]).toBe('pending');
    expect(statuses(await authorize(t, 'meetsync', c))[c.userId]).toBe('authorized');
  });
});

describe('effective users follow membership', () => {
  it('removed, deactivated and suspended members drop out; restored or reactivated ones come back as they were', async () => {
    const t = await team();
    const gone = await member(t.ws);
    const off = await member(t.ws);
    const paused = await member(t.ws);
    const stays = await seedMember(t.ws);
    await install(t, 'mailbridge', t.admin, { audience: 'specific', users: [gone.userId, off.userId, paused.userId, stays.userId] });
    await authorize(t, 'mailbridge', gone);

    expect((await h.request('DELETE', `/workspaces/${t.ws}/members/${gone.userId}`, { token: t.owner.token })).status).toBe(200);
    await deactivate(t.ws, off.userId);
    expect((await h.request('POST', `/workspaces/${t.ws}/members/${paused.userId}/suspend`, { token: t.owner.token })).status).toBe(200);
    const meanwhile = await getInst(t, 'mailbridge', t.admin);
    expect(statuses(meanwhile)).toEqual({ [t.admin.userId]: 'authorized', [stays.userId]: 'pending' });

    expect((await h.request('POST', `/workspaces/${t.ws}/members/${gone.userId}/restore`, { token: t.owner.token })).status).toBe(200);
    expect((await h.request('POST', `/workspaces/${t.ws}/members/${paused.userId}/unsuspend`, { token: t.owner.token })).status).toBe(200);
    expect((await h.request('POST', `/workspaces/${t.ws}/members/${off.userId}/reactivate`, { token: t.owner.token })).status).toBe(200);
    expect(statuses(await getInst(t, 'mailbridge', t.admin))).toEqual({
      [t.admin.userId]: 'authorized', [stays.userId]: 'pending', [gone.userId]: 'authorized', [paused.userId]: 'pending', [off.userId]: 'pending',
    });
  });

  it('an "all" install drops removed members too', async () => {
    const t = await team();
    const c = await seedMember(t.ws);
    await install(t, 'meetsync', t.owner, { audience: 'all' });
    await h.request('DELETE', `/workspaces/${t.ws}/members/${c.userId}`, { token: t.owner.token });
    expect(Object.keys(statuses(await getInst(t, 'meetsync', t.owner)))).not.toContain(c.userId);
  });
});

describe('uninstalling', () => {
  it('removes the installation; a reinstall starts afresh (earlier authorizations do not come back)', async () => {
    const t = await team();
    const ann = await member(t.ws);
    await install(t, 'mailbridge', t.admin, { audience: 'specific', users: [ann.userId] });
    await authorize(t, 'mailbridge', ann);
    const del = await h.request('DELETE', `${apps(t)}/mailbridge`, { token: t.owner.token });
    expect(del.status).toBe(204);
    const gone = await getInst(t, 'mailbridge', t.owner);
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('app_not_installed');
    expect((await h.request('DELETE', `${apps(t)}/mailbridge`, { token: t.owner.token })).status).toBe(404);
    expect((await authorize(t, 'mailbridge', ann)).status).toBe(404);

    const again = await install(t, 'mailbridge', t.owner, { audience: 'all' });
    expect(statuses(again)[ann.userId]).toBe('pending');
    expect((await auditOf(t, 'mailbridge')).map((e) => e.action)).toEqual(['app.installed', 'app.uninstalled', 'app.authorized', 'app.installed']);
  });
});

describe('authorization and tenant isolation', () => {
  it('only global administrators install, change users or uninstall; members may read and authorize for themselves', async () => {
    const t = await team();
    await install(t, 'meetsync', t.owner, { audience: 'all' });
    for (const role of ['integrator', 'contributor_plus', 'contributor', 'reader']) {
      const p = await member(t.ws, role);
      expect((await install(t, 'mailbridge', p, { audience: 'me' })).status, role).toBe(403);
      expect((await patchUsers(t, 'meetsync', p, { remove: [t.owner.userId] })).status, role).toBe(403);
      expect((await h.request('DELETE', `${apps(t)}/meetsync`, { token: p.token })).status, role).toBe(403);
      expect((await h.request('GET', apps(t), { token: p.token })).status).toBe(200);
      expect((await getInst(t, 'meetsync', p)).status).toBe(200);
      expect((await authorize(t, 'meetsync', p)).status).toBe(200);
    }
    expect((await getInst(t, 'mailbridge', t.owner)).status).toBe(404);
  });

  it('application users may read installations (apps:read) but every change is human-only', async () => {
    const t = await team();
    await install(t, 'chatpulse', t.owner, { audience: 'me' });
    const robot = await appToken(t, 'ObjectRead');
    expect((await h.request('GET', apps(t), { token: robot })).json.items).toHaveLength(1);
    expect((await getInst(t, 'chatpulse', robot)).status).toBe(200);
    for (const r of [
      await install(t, 'mailbridge', robot, { audience: 'me' }),
      await patchUsers(t, 'chatpulse', robot, { add: [t.owner.userId] }),
      await authorize(t, 'chatpulse', robot),
      await h.request('DELETE', `${apps(t)}/chatpulse`, { token: robot }),
    ]) {
      expect(r.status).toBe(403);
      expect(r.json.error.code).toBe('human_only');
    }
    const membersOnly = await appToken(t, 'MembersManage');
    expect((await h.request('GET', apps(t), { token: membersOnly })).status).toBe(403);
  });

  it('workspace B\'s people and app users get 404 on every app route of workspace A', async () => {
    const a = await team();
    const b = await team();
    await install(a, 'mailbridge', a.owner, { audience: 'all' });
    const bRobot = await appToken(b, 'ObjectRead');
    const routes: [string, string, unknown?][] = [
      ['POST', `${apps(a)}/chatpulse/install`, { audience: 'me', acceptPermissions: true }],
      ['GET', apps(a)],
      ['GET', `${apps(a)}/mailbridge`],
      ['PATCH', `${apps(a)}/mailbridge/users`, { add: [b.owner.userId] }],
      ['POST', `${apps(a)}/mailbridge/authorize`],
      ['DELETE', `${apps(a)}/mailbridge`],
    ];
    for (const [method, path, body] of routes) {
      for (const who of [b.owner, b.admin]) {
        expect((await h.request(method, path, { token: who.token, body })).status, `${method} ${path}`).toBe(404);
      }
    }
    expect((await h.request('GET', apps(a), { token: bRobot })).status).toBe(404);
    expect((await h.request('GET', `${apps(a)}/mailbridge`, { token: bRobot })).status).toBe(404);
    const still = await getInst(a, 'mailbridge', a.owner);
    expect(still.status).toBe(200);
    expect(Object.keys(statuses(still))).not.toContain(b.owner.userId);
    expect((await h.request('GET', apps(a), { token: a.owner.token })).json.items).toHaveLength(1);
  });

  it('every workspace app route needs a token (401)', async () => {
    const t = await team();
    for (const [method, path, body] of [
      ['POST', `${apps(t)}/mailbridge/install`, { audience: 'me', acceptPermissions: true }], ['GET', apps(t)], ['GET', `${apps(t)}/mailbridge`],
      ['PATCH', `${apps(t)}/mailbridge/users`, { add: [] }], ['POST', `${apps(t)}/mailbridge/authorize`], ['DELETE', `${apps(t)}/mailbridge`],
    ] as [string, string, unknown?][]) {
      expect((await h.request(method, path, { body })).status, `${method} ${path}`).toBe(401);
    }
  });
});
