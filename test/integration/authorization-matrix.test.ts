/**
 * Every members / invitations / roles route × every built-in role, against a table
 * written out here from API.md — deliberately not derived from the code's own
 * permission matrix, so a wrong grant in shared/domain/permissions.ts or a wrong
 * route permission fails this test. Plus tenant isolation between two workspaces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { signIn, createWorkspace, type Person } from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { clock } from '../../shared/clock.js';
import { getMember } from '../../shared/data/members.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

const ROLES = ['owner', 'admin', 'integrator', 'contributor_plus', 'contributor', 'restricted_contributor', 'reader'] as const;
type Role = (typeof ROLES)[number];

/** Allowed: the request succeeds (2xx). Denied: 403 forbidden, and nothing changes. */
const Y = 'allow', N = 'deny';
/** Allowed by authorization, refused by a rule of the contract (the owner cannot leave). */
const OWNER_CANNOT_LEAVE = 409;
type Cell = typeof Y | typeof N | typeof OWNER_CANNOT_LEAVE;

// prettier-ignore
const MATRIX: [route: string, owner: Cell, admin: Cell, integrator: Cell, contributorPlus: Cell, contributor: Cell, restricted: Cell, reader: Cell][] = [
  //  route                                        owner  admin  integ  contr+ contr  restr  reader
  ['GET /members',                                 Y,     Y,     Y,     Y,     Y,     Y,     Y],
  ['GET /members/export',                          Y,     Y,     N,     N,     N,     N,     N],
  ['GET /members/{other}',                         Y,     Y,     Y,     Y,     Y,     Y,     Y],
  ['GET /members/{other}/permissions',             Y,     Y,     Y,     Y,     Y,     Y,     Y],
  ['PATCH /members/{other}',                       Y,     Y,     N,     N,     N,     N,     N],
  ['POST /members/{other}/suspend',                Y,     Y,     N,     N,     N,     N,     N],
  ['POST /members/{suspended}/unsuspend',          Y,     Y,     N,     N,     N,     N,     N],
  ['POST /members/{deactivated}/reactivate',       Y,     Y,     N,     N,     N,     N,     N],
  ['DELETE /members/{other}',                      Y,     Y,     N,     N,     N,     N,     N],
  ['POST /members/{removed}/restore',              Y,     Y,     N,     N,     N,     N,     N],
  ['DELETE /members/{removed}?purge=true',         Y,     Y,     N,     N,     N,     N,     N],
  ['POST /invitations',                            Y,     Y,     N,     N,     N,     N,     N],
  ['GET /invitations',                             Y,     Y,     N,     N,     N,     N,     N],
  ['POST /invitations/{id}/resend',                Y,     Y,     N,     N,     N,     N,     N],
  ['DELETE /invitations/{id}',                     Y,     Y,     N,     N,     N,     N,     N],
  ['GET /roles',                                   Y,     Y,     Y,     Y,     Y,     Y,     Y],
  ['POST /roles',                                  Y,     Y,     N,     N,     N,     N,     N],
  ['PATCH /roles/{roleId}',                        Y,     Y,     N,     N,     N,     N,     N],
  ['DELETE /roles/{roleId}',                       Y,     Y,     N,     N,     N,     N,     N],
  // Leaving needs no permission; it comes last because the caller is gone afterwards.
  ['DELETE /members/{self}',                       OWNER_CANNOT_LEAVE, Y, Y, Y, Y,    Y,     Y],
];

interface Call {
  method: string;
  path: string;
  body?: unknown;
  /** Read back after a denied call: the state it must not have changed. */
  probe?: () => Promise<unknown>;
}

let ws: string;
let owner: Person;
const callers = new Map<Role, Person>();
let counter = 0;

const memberState = async (userId: string) => {
  const m = await getMember(ws, userId, clock.nowEpochSeconds());
  return m && { status: m.status, role: m.role };
};

async function removedMember(): Promise<string> {
  const m = await seedMember(ws);
  expect((await h.request('DELETE', `/workspaces/${ws}/members/${m.userId}`, { token: owner.token })).status).toBe(200);
  return m.userId;
}

async function invitationId(): Promise<string> {
  const r = await h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body: { emails: [uniqueEmail('invitee')] } });
  expect(r.status).toBe(200);
  expect(r.json.results[0].status).toBe('invited');
  return r.json.results[0].invitation.id as string;
}

async function customRole(): Promise<string> {
  const r = await h.request('POST', `/workspaces/${ws}/roles`, { token: owner.token, body: { name: `Role ${++counter}`, permissions: ['members.read'] } });
  expect(r.status).toBe(201);
  return r.json.id as string;
}

const listInvitations = async () => (await h.request('GET', `/workspaces/${ws}/invitations?limit=100`, { token: owner.token })).json.items;
const listRoles = async () => (await h.request('GET', `/workspaces/${ws}/roles`, { token: owner.token })).json.items;

/** A fresh, valid request for the route, so an allowed call succeeds and a denied one has something to harm. */
async function callFor(route: string, caller: Person): Promise<Call> {
  const base = `/workspaces/${ws}`;
  const other = async (opts: Parameters<typeof seedMember>[1] = {}) => (await seedMember(ws, opts)).userId;
  switch (route) {
    case 'GET /members': return { method: 'GET', path: `${base}/members` };
    case 'GET /members/export': return { method: 'GET', path: `${base}/members/export` };
    case 'GET /members/{other}': return { method: 'GET', path: `${base}/members/${owner.userId}` };
    case 'GET /members/{other}/permissions': return { method: 'GET', path: `${base}/members/${owner.userId}/permissions` };
    case 'PATCH /members/{other}': {
      const id = await other();
      return { method: 'PATCH', path: `${base}/members/${id}`, body: { role: 'reader' }, probe: () => memberState(id) };
    }
    case 'POST /members/{other}/suspend': {
      const id = await other();
      return { method: 'POST', path: `${base}/members/${id}/suspend`, probe: () => memberState(id) };
    }
    case 'POST /members/{suspended}/unsuspend': {
      const id = await other({ status: 'suspended' });
      return { method: 'POST', path: `${base}/members/${id}/unsuspend`, probe: () => memberState(id) };
    }
    case 'POST /members/{deactivated}/reactivate': {
      const id = await other({ status: 'deactivated' });
      return { method: 'POST', path: `${base}/members/${id}/reactivate`, probe: () => memberState(id) };
    }
    case 'DELETE /members/{other}': {
      const id = await other();
      return { method: 'DELETE', path: `${base}/members/${id}`, probe: () => memberState(id) };
    }
    case 'POST /members/{removed}/restore': {
      const id = await removedMember();
      return { method: 'POST', path: `${base}/members/${id}/restore`, probe: () => memberState(id) };
    }
    case 'DELETE /members/{removed}?purge=true': {
      const id = await removedMember();
      return { method: 'DELETE', path: `${base}/members/${id}?purge=true`, probe: () => memberState(id) };
    }
    case 'POST /invitations': return { method: 'POST', path: `${base}/invitations`, body: { emails: [uniqueEmail('new')] }, probe: listInvitations };
    case 'GET /invitations': return { method: 'GET', path: `${base}/invitations` };
    case 'POST /invitations/{id}/resend': return { method: 'POST', path: `${base}/invitations/${await invitationId()}/resend`, probe: listInvitations };
    case 'DELETE /invitations/{id}': return { method: 'DELETE', path: `${base}/invitations/${await invitationId()}`, probe: listInvitations };
    case 'GET /roles': return { method: 'GET', path: `${base}/roles` };
    case 'POST /roles': return { method: 'POST', path: `${base}/roles`, body: { name: `New ${++counter}`, permissions: [] }, probe: listRoles };
    case 'PATCH /roles/{roleId}': return { method: 'PATCH', path: `${base}/roles/${await customRole()}`, body: { name: `Renamed ${++counter}` }, probe: listRoles };
    case 'DELETE /roles/{roleId}': return { method: 'DELETE', path: `${base}/roles/${await customRole()}`, probe: listRoles };
    case 'DELETE /members/{self}': return { method: 'DELETE', path: `${base}/members/${caller.userId}`, probe: () => memberState(caller.userId) };
    default: throw new Error(`no request for ${route}`);
  }
}

describe('authorization matrix: members, invitations and roles routes × built-in roles', () => {
  beforeAll(async () => {
    owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    ws = await createWorkspace(h, owner, 'Matrix', 1000);
    callers.set('owner', owner);
    for (const role of ROLES.slice(1)) {
      const m = await seedMember(ws, { role, fullName: `The ${role}` });
      // The sign-in flow finds the seeded user by email.
      const p = await signIn(h, m.email);
      expect(p.userId).toBe(m.userId);
      callers.set(role, p);
    }
  });

  it('every route of the table exists in the route table, and the table covers every such route', async () => {
    const { routes } = await import('../../shared/http/routes.js');
    const covered = new Set(MATRIX.map(([route]) => route.split(' ')[0] + ' ' + route.split(' ')[1]!
      .replace(/\?.*$/, '').replace(/\{(other|self|suspended|deactivated|removed)\}/, '{userId}').replace('{id}', '{invitationId}')));
    const inScope = routes.filter((r) => ['members', 'invitations', 'roles'].includes(r.tag) && r.path.startsWith('/workspaces/{ws}/'))
      .map((r) => `${r.method} ${r.path.replace('/workspaces/{ws}', '')}`);
    expect([...covered].sort()).toEqual([...new Set(inScope)].sort());
  });

  for (const [route, ...cells] of MATRIX) {
    it(`${route}`, async () => {
      for (const [i, role] of ROLES.entries()) {
        const expected = cells[i]!;
        const caller = callers.get(role)!;
        const call = await callFor(route, caller);
        const before = await call.probe?.();
        const r = await h.request(call.method, call.path, { token: caller.token, body: call.body });
        const where = `${route} as ${role} → ${r.status} ${r.text.slice(0, 200)}`;
        if (expected === N) {
          expect(r.status, where).toBe(403);
          expect(r.json.error.code, where).toBe('forbidden');
          if (call.probe) expect(await call.probe(), where).toEqual(before);
        } else if (expected === Y) {
          expect(r.status, where).toBeGreaterThanOrEqual(200);
          expect(r.status, where).toBeLessThan(300);
        } else {
          expect(r.status, where).toBe(expected);
        }
      }
    });
  }

  it('the public invitation routes answer the same to every role (no 401/403)', async () => {
    for (const role of ROLES) {
      const token = callers.get(role)!.token;
      const page = await h.request('GET', '/invitations/not-a-real-token', { token });
      const accept = await h.request('POST', '/invitations/not-a-real-token/accept', { token });
      expect([page.status, accept.status], role).toEqual([404, 404]);
    }
  });
});

describe('tenant isolation', () => {
  it("a token of workspace B never sees or changes workspace A's members, invitations or roles", async () => {
    const a = await signIn(h, uniqueEmail('owner-a'), 'Anna A');
    const wsA = await createWorkspace(h, a, 'A', 100);
    const memberA = await seedMember(wsA, { role: 'contributor' });
    const removedA = await seedMember(wsA);
    expect((await h.request('DELETE', `/workspaces/${wsA}/members/${removedA.userId}`, { token: a.token })).status).toBe(200);
    const inv = await h.request('POST', `/workspaces/${wsA}/invitations`, { token: a.token, body: { emails: [uniqueEmail('a-invitee')] } });
    const invId = inv.json.results[0].invitation.id as string;
    const roleA = (await h.request('POST', `/workspaces/${wsA}/roles`, { token: a.token, body: { name: 'A only', permissions: [] } })).json.id as string;

    const b = await signIn(h, uniqueEmail('owner-b'), 'Bob B');
    const wsB = await createWorkspace(h, b, 'B', 100);

    const snapshot = async () => ({
      members: (await h.request('GET', `/workspaces/${wsA}/members?limit=100`, { token: a.token })).json.items,
      removed: (await h.request('GET', `/workspaces/${wsA}/members?status=removed`, { token: a.token })).json.items,
      invitations: (await h.request('GET', `/workspaces/${wsA}/invitations`, { token: a.token })).json.items,
      roles: (await h.request('GET', `/workspaces/${wsA}/roles`, { token: a.token })).json.items,
    });
    const before = await snapshot();

    const m = memberA.userId, rm = removedA.userId;
    const attempts: [string, string, unknown?][] = [];
    // A's paths with B's token, and B's paths naming A's things.
    for (const w of [wsA, wsB]) {
      attempts.push(
        ['GET', `/workspaces/${w}/members/${m}`],
        ['GET', `/workspaces/${w}/members/${m}/permissions`],
        ['PATCH', `/workspaces/${w}/members/${m}`, { role: 'reader' }],
        ['POST', `/workspaces/${w}/members/${m}/suspend`],
        ['POST', `/workspaces/${w}/members/${m}/unsuspend`],
        ['POST', `/workspaces/${w}/members/${m}/reactivate`],
        ['DELETE', `/workspaces/${w}/members/${m}`],
        ['POST', `/workspaces/${w}/members/${rm}/restore`],
        ['DELETE', `/workspaces/${w}/members/${rm}?purge=true`],
        ['POST', `/workspaces/${w}/invitations/${invId}/resend`],
        ['DELETE', `/workspaces/${w}/invitations/${invId}`],
        ['PATCH', `/workspaces/${w}/roles/${roleA}`, { name: 'Hijacked' }],
        ['DELETE', `/workspaces/${w}/roles/${roleA}`],
      );
    }
    attempts.push(
      ['GET', `/workspaces/${wsA}/members`],
      ['GET', `/workspaces/${wsA}/members/export`],
      ['GET', `/workspaces/${wsA}/invitations`],
      ['POST', `/workspaces/${wsA}/invitations`, { emails: [uniqueEmail('x')] }],
      ['GET', `/workspaces/${wsA}/roles`],
      ['POST', `/workspaces/${wsA}/roles`, { name: 'Intruder', permissions: [] }],
    );
    for (const [method, path, body] of attempts) {
      const r = await h.request(method, path, { token: b.token, body });
      expect(r.status, `${method} ${path}`).toBe(404);
    }

    const listB = await h.request('GET', `/workspaces/${wsB}/members?limit=100`, { token: b.token });
    expect(listB.json.items.map((x: { userId: string }) => x.userId)).toEqual([b.userId]);
    const exportB = await h.request('GET', `/workspaces/${wsB}/members/export`, { token: b.token });
    expect(exportB.text).not.toContain(m);
    expect(exportB.text).not.toContain(a.userId);

    expect(await snapshot()).toEqual(before);
  });
});
