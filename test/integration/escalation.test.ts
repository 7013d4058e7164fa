/**
 * The escalation suite (issue 9 "Prove it"): for every path that hands out authority,
 * every actor — people and application users, each holding less than everything —
 * tries to obtain more than it holds, for itself and for others. Generated from the
 * truth table in test/support/contract.ts ("Authority never grows", written from
 * API.md), not from the code under test.
 *
 * Paths: invite with a role, change a role (own and others'), the default role,
 * custom roles created or edited with permissions (own role included), application
 * users created or re-typed, their secrets reset, integration sharing, app installs
 * and their users, authorizing an app, ownership transfer, and the give-backs
 * (unsuspend, reactivate, restore, resend) of a role above the actor's.
 *
 * Every attempt must be refused (403 / 404 / 409 — never 400, which would mean the
 * attempt was malformed and proved nothing) and write nothing; the workspace's
 * partitions read back identical after all of them. Controls first show that each
 * actor can do the same thing within its authority.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness, type TestResponse } from '../support/harness.js';
import { appUser, createWorkspace, signIns, type Person } from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { when } from '../support/when.js';
import { partitionDigest, recordingWrites } from '../support/writes.js';
import { ACCESS_TYPES, ACCESS_TYPE_NAMES, BUILT_IN_ROLES, GRANTS, PERMISSIONS, SCOPE_PERMISSION, holdsAll } from '../support/contract.js';

let local: Harness;
let h: Harness;

interface Actor {
  name: string;
  token: string;
  /** What the actor may hand out: a person's permissions; an app's ceiling (its creator's, less transfer_ownership). */
  holds: readonly string[];
  /** People only. */
  person?: Person;
  /** Its own custom role, when it has one. */
  roleId?: string;
}

interface Attempt {
  path: string;
  label: string;
  method: string;
  url: string;
  body?: unknown;
}

let ws: string;
let owner: Person;
const actors: Actor[] = [];
/** Role id → its permissions: built-ins, the actors' custom roles, and a role holding everything. */
const roles = new Map<string, readonly string[]>();
let basicMember: string;
let n = 0;

async function ok(method: string, url: string, body?: unknown, token = owner.token): Promise<TestResponse> {
  const r = await h.request(method, url, { token, body });
  expect(r.status, `${method} ${url} → ${r.text.slice(0, 300)}`).toBeLessThan(300);
  return r;
}
const base = () => `/workspaces/${ws}`;

const CUSTOM = {
  recruiter: ['members.read', 'members.manage'],
  'people ops': ['members.read', 'members.manage', 'developer.access'],
  'role admin': ['members.read', 'workspace.manage'],
} as const;

/** Members holding `role` in each state a give-back starts from, and a pending invitation with it. */
const withRole = new Map<string, { suspended: string; deactivated: string; removed: string; invitation?: string }>();
/** Apps made by the owner of each access type (their secret gives the owner's ceiling). */
const ownerApps = new Map<string, string>();
let integrationOfOthers: string;
let meOnlyInstall: string;

const stats = { attempts: 0, successes: 0, controls: 0, byPath: {} as Record<string, number> };
const findings: string[] = [];

beforeAll(async () => {
  local = await startHarness();
  h = { ...local, request: when(local) };
  const names = ['owner', 'admin', 'integrator', 'contributor', ...Object.keys(CUSTOM)];
  const people = await signIns(h, names.map((x) => uniqueEmail(x.replace(/\W/g, '-'))));
  owner = people[0]!;
  ws = await createWorkspace(h, owner, 'Escalation', 500);
  for (const r of BUILT_IN_ROLES) roles.set(r, GRANTS[r]);
  // A custom role holds everything but transfer_ownership (that belongs to the owner alone).
  const everything = PERMISSIONS.filter((p) => p !== 'workspace.transfer_ownership');
  const superset = (await ok('POST', `${base()}/roles`, { name: 'Everything', permissions: everything })).json.id as string;
  roles.set(superset, everything);
  const basic = (await ok('POST', `${base()}/roles`, { name: 'Basic', permissions: ['members.read'] })).json.id as string;
  roles.set(basic, ['members.read']);

  for (const [i, name] of names.entries()) {
    if (name === 'owner') continue;
    const person = people[i]!;
    const custom = CUSTOM[name as keyof typeof CUSTOM];
    let roleId = name;
    if (custom) {
      roleId = (await ok('POST', `${base()}/roles`, { name, permissions: [...custom] })).json.id;
      roles.set(roleId, custom);
    }
    await seedMember(ws, { userId: person.userId, email: person.email, role: roleId, fullName: name });
    actors.push({ name, token: person.token, holds: roles.get(roleId)!, person, ...(custom ? { roleId } : {}) });
  }
  const byName = (x: string) => actors.find((a) => a.name === x)!;
  for (const [by, type] of [['people ops', 'MembersManage'], ['admin', 'MembersManage'], ['integrator', 'MembersRead'], ['admin', 'ObjectReadWrite']] as const) {
    const creator = byName(by);
    const app = await appUser(h, ws, creator.person!, type, `${type} by ${by}`);
    actors.push({ name: `${type} app by ${by}`, token: app.token, holds: creator.holds.filter((p) => p !== 'workspace.transfer_ownership') });
  }

  basicMember = (await seedMember(ws, { role: basic })).userId;
  for (const [roleId] of roles) {
    if (roleId === 'owner') continue;
    const suspended = (await seedMember(ws, { role: roleId, status: 'suspended' })).userId;
    const deactivated = (await seedMember(ws, { role: roleId, status: 'deactivated' })).userId;
    const removed = (await seedMember(ws, { role: roleId })).userId;
    await ok('DELETE', `${base()}/members/${removed}`);
    const inv = await ok('POST', `${base()}/invitations`, { emails: [uniqueEmail('invitee')], role: roleId });
    withRole.set(roleId, { suspended, deactivated, removed, invitation: inv.json.results[0].invitation.id });
  }
  for (const type of ACCESS_TYPE_NAMES) ownerApps.set(type, (await ok('POST', `${base()}/app-users`, { name: `Owner's ${type}`, accessType: type })).json.clientId);
  // An integration the people are users of, not owners.
  const integ = await ok('POST', `${base()}/integrations`, { name: 'Payroll' });
  integrationOfOthers = integ.json.id;
  const people2 = actors.filter((a) => a.person).map((a) => a.person!.userId);
  await ok('PUT', `${base()}/integrations/${integrationOfOthers}/sharing`, { owners: [owner.userId], users: people2 });
  meOnlyInstall = 'meetsync';
  await ok('POST', `${base()}/apps/${meOnlyInstall}/install`, { audience: 'me', acceptPermissions: true });
}, 180_000);

afterAll(async () => {
  console.info(`[escalation] ${stats.attempts} attempts by ${actors.length} actors, ${stats.successes} successes, ${stats.controls} controls; by path ${JSON.stringify(stats.byPath)}`);
  await local.runtime.stop();
});

/** Every attempt to get more than `a` holds, path by path. */
function attemptsOf(a: Actor): Attempt[] {
  const out: Attempt[] = [];
  const add = (path: string, label: string, method: string, url: string, body?: unknown) => out.push({ path, label: `${a.name}: ${label}`, method, url, body });
  const above = [...roles].filter(([id, perms]) => id === 'owner' || !holdsAll(a.holds, perms)).map(([id]) => id);
  for (const role of above) {
    add('invite', `invite as ${role}`, 'POST', `${base()}/invitations`, { emails: [uniqueEmail('escalate')], role });
    add('role change', `make another ${role}`, 'PATCH', `${base()}/members/${basicMember}`, { role });
    if (a.person) add('role change', `make self ${role}`, 'PATCH', `${base()}/members/${a.person.userId}`, { role });
    add('default role', `default role ${role}`, 'PATCH', base(), { defaultRole: role });
    const held = withRole.get(role);
    if (held) {
      add('give-back', `unsuspend a ${role}`, 'POST', `${base()}/members/${held.suspended}/unsuspend`);
      add('give-back', `reactivate a ${role}`, 'POST', `${base()}/members/${held.deactivated}/reactivate`);
      add('give-back', `restore a ${role}`, 'POST', `${base()}/members/${held.removed}/restore`);
      add('give-back', `resend an invitation as ${role}`, 'POST', `${base()}/invitations/${held.invitation}/resend`);
    }
  }
  // Built-ins never change, so a role someone else holds is edited through the basic one.
  const basicRole = [...roles].find(([, p]) => p.length === 1 && p[0] === 'members.read')![0];
  for (const p of PERMISSIONS.filter((x) => !holdsAll(a.holds, [x]))) {
    add('custom role', `create a role with ${p}`, 'POST', `${base()}/roles`, { name: `Escalated ${++n}`, permissions: ['members.read', p] });
    add('custom role', `add ${p} to a role others hold`, 'PATCH', `${base()}/roles/${basicRole}`, { permissions: ['members.read', p] });
    if (a.roleId) add('custom role', `add ${p} to own role`, 'PATCH', `${base()}/roles/${a.roleId}`, { permissions: [...a.holds, p] });
  }
  for (const type of ACCESS_TYPE_NAMES.filter((t) => !holdsAll(a.holds, ACCESS_TYPES[t].map((s) => SCOPE_PERMISSION[s]!)))) {
    add('app user', `create a ${type} app`, 'POST', `${base()}/app-users`, { name: `Escalated ${++n}`, accessType: type });
    add('app user', `re-type an app to ${type}`, 'PATCH', `${base()}/app-users/${ownerApps.get('MembersRead')}`, { accessType: type });
  }
  // Resetting a secret hands over what the app gives: its scopes' permissions, and its ceiling when it assigns roles.
  for (const [type, clientId] of ownerApps) {
    const gives = [...ACCESS_TYPES[type as keyof typeof ACCESS_TYPES].map((s) => SCOPE_PERMISSION[s]!), ...(type === 'MembersManage' ? GRANTS.admin : [])];
    if (!holdsAll(a.holds, gives)) add('app user', `reset the secret of the owner's ${type} app`, 'POST', `${base()}/app-users/${clientId}/secret`, {});
  }
  if (!holdsAll(a.holds, ['integrations.manage_all'])) {
    const self = a.person ? [a.person.userId] : [];
    add('sharing', 'make self an owner of an integration it only uses', 'PUT', `${base()}/integrations/${integrationOfOthers}/sharing`, { owners: [owner.userId, ...self], users: [] });
    add('sharing', 'share an integration with others', 'PUT', `${base()}/integrations/${integrationOfOthers}/sharing`, { owners: [owner.userId], users: [basicMember] });
  }
  if (!holdsAll(a.holds, ['apps.install'])) {
    add('app install', 'install an app for everyone', 'POST', `${base()}/apps/mailbridge/install`, { audience: 'all', acceptPermissions: true });
    add('app install', 'add users to an installed app', 'PATCH', `${base()}/apps/${meOnlyInstall}/users`, { add: [basicMember, ...(a.person ? [a.person.userId] : [])] });
  }
  add('app install', 'authorize an app it was not added to', 'POST', `${base()}/apps/${meOnlyInstall}/authorize`);
  add('ownership', 'take ownership', 'POST', `${base()}/ownership-transfer`, { userId: a.person?.userId ?? basicMember });
  add('ownership', 'give ownership to another', 'POST', `${base()}/ownership-transfer`, { userId: basicMember });
  return out;
}

/** The partitions that hold the workspace's authority: members, roles, invitations, installs, apps, audit. */
const snapshot = async () => (await Promise.all([`WS#${ws}`, `AUDIT#${ws}`, ...[...ownerApps.values()].map((c) => `APP#${c}`)].map(partitionDigest))).join();

describe('authority never grows', () => {
  it('controls: each actor hands out what it holds', async () => {
    const byName = (x: string) => actors.find((a) => a.name === x)!;
    const basic = [...roles].find(([, p]) => p.length === 1)![0];
    const controls: [Actor, string, string, unknown][] = [
      [byName('recruiter'), 'POST', `${base()}/invitations`, { emails: [uniqueEmail('ok')], role: basic }],
      [byName('recruiter'), 'PATCH', `${base()}/members/${(await seedMember(ws, { role: 'reader' })).userId}`, { role: basic }],
      [byName('MembersManage app by people ops'), 'PATCH', `${base()}/members/${(await seedMember(ws, { role: 'reader' })).userId}`, { role: basic }],
      [byName('admin'), 'PATCH', `${base()}/members/${(await seedMember(ws, { role: basic })).userId}`, { role: 'admin' }],
      [byName('MembersManage app by admin'), 'POST', `${base()}/invitations`, { emails: [uniqueEmail('ok')], role: 'admin' }],
      [byName('role admin'), 'POST', `${base()}/roles`, { name: 'Readers', permissions: ['members.read'] }],
      [byName('people ops'), 'POST', `${base()}/app-users`, { name: 'Fine', accessType: 'MembersManage' }],
      [byName('integrator'), 'POST', `${base()}/app-users`, { name: 'Fine too', accessType: 'MembersRead' }],
    ];
    for (const [a, method, url, body] of controls) {
      const r = await h.request(method, url, { token: a.token, body });
      expect(r.status, `${a.name} ${method} ${url}: ${r.text.slice(0, 200)}`).toBeLessThan(300);
      stats.controls += 1;
    }
  });

  it('no actor obtains more than it holds, by any path, for itself or another; nothing changes', async () => {
    const before = await snapshot();
    for (const a of actors) {
      for (const at of attemptsOf(a)) {
        const { result: r, written } = await recordingWrites(() => h.request(at.method, at.url, { token: a.token, body: at.body }));
        stats.attempts += 1;
        stats.byPath[at.path] = (stats.byPath[at.path] ?? 0) + 1;
        if (r.status < 300) stats.successes += 1;
        if (![403, 404, 409].includes(r.status)) findings.push(`${at.label} → ${r.status} ${r.text.slice(0, 200)}`);
        if (written.length > 0) findings.push(`${at.label} → ${r.status} but wrote ${written.join(', ')}`);
      }
    }
    expect(findings).toEqual([]);
    expect(stats.successes).toBe(0);
    expect(await snapshot(), 'the workspace changed').toBe(before);
  }, 300_000);
});
