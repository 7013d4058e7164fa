/**
 * The authorization walk (issue 9 "Prove it"): every route of the route table (and
 * every path the front door serves beside it) × every caller of
 * test/support/contract.ts — each built-in role, a custom role, an application user
 * of every access type, suspended / deactivated / removed members, a foreign
 * workspace's owner and app, and no token.
 *
 * The expected outcome comes from the truth table in test/support/contract.ts,
 * written from API.md and never read from the code under test. A route added to
 * shared/http/routes.ts without a row there fails here, by name.
 *
 * Each case sends a request that would succeed for a caller entitled to it (fresh
 * targets, so an allowed removal has someone to remove). An allowed case must
 * succeed; a refused one must answer the contract's status and code, after the
 * caller's token has been shown to work on a route it may use, and must write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness, type TestResponse } from '../support/harness.js';
import { appUser, createWorkspace, signIns, signedInMember, type Person } from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { lastLinksTo } from '../support/mail.js';
import { consoleCodes, consoleOrigin, consoleSignIns } from '../support/console-session.js';
import { recordingWrites } from '../support/writes.js';
import { when, whenMode } from '../support/when.js';
import {
  ACCESS_TYPE_NAMES, CALLERS, CONTRACT, CUSTOM_ROLE_PERMISSIONS, STATIC_PATHS, expectedOutcome, isCaseSplit,
  type Caller, type Outcome, type Rule,
} from '../support/contract.js';
import { routes } from '../../shared/http/routes.js';
import { newId } from '../../shared/ids.js';

/** Local mode as started, and the same with every request sent by the `when` step (in-process unless TEST_MODE=http). */
let local: Harness;
let h: Harness;

interface Req {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** After an allowed request: put back what it changed that later cases rely on. */
  after?: (res: TestResponse) => Promise<void>;
}

/** A caller as the walk holds it: the contract's description plus its credentials. */
interface Held {
  caller: Caller;
  token?: string;
  person?: Person;
}

type Recipe = (c: Held) => Promise<Req>;

// ---- the world -------------------------------------------------------------------

let ws: string;
let foreignWs: string;
let owner: Person;
const held = new Map<string, Held>();
/** Custom roles holding members.read only: every caller with members.manage may hand them out. */
let basicRole: string, basicRole2: string;
let fixture: {
  integration: string;
  appUser: { clientId: string; clientSecret: string };
  invitationToken: string;
  signInToken: string;
};
let n = 0;
const unique = (what: string) => `${what} ${++n}`;

const send = (req: Req, token: string | undefined): Promise<TestResponse> =>
  h.request(req.method, req.path, { token, body: req.body, headers: req.headers });

async function ok(method: string, path: string, body?: unknown, token = owner.token): Promise<TestResponse> {
  const r = await h.request(method, path, { token, body });
  expect(r.status, `${method} ${path} → ${r.text.slice(0, 300)}`).toBeLessThan(300);
  return r;
}

const base = () => `/workspaces/${ws}`;
/**
 * A target for a case. An allowed case gets a fresh one (it may use it up: remove it,
 * delete it). A refused case may share one: the walk proves it wrote nothing, so the
 * shared target stays as valid a target as a fresh one.
 */
let allowedCase = true;
const shared = new Map<string, Promise<string>>();
function target(key: string, make: () => Promise<string>): Promise<string> {
  if (allowedCase) return make();
  if (!shared.has(key)) shared.set(key, make());
  return shared.get(key)!;
}
const seeded = (status?: 'suspended' | 'deactivated') =>
  target(`member ${status}`, async () => (await seedMember(ws, { role: basicRole, ...(status ? { status } : {}) })).userId);
const removedMember = () => target('removed', async () => {
  const id = (await seedMember(ws, { role: basicRole })).userId;
  await ok('DELETE', `${base()}/members/${id}`);
  return id;
});
const invitation = () => target('invitation', async () =>
  (await ok('POST', `${base()}/invitations`, { emails: [uniqueEmail('walk')], role: basicRole })).json.results[0].invitation.id as string);
const customRole = () => target('role', async () => (await ok('POST', `${base()}/roles`, { name: unique('Walk role'), permissions: ['members.read'] })).json.id as string);
const integration = () => target('integration', async () => (await ok('POST', `${base()}/integrations`, { name: unique('Walk integration') })).json.id as string);
const appUserId = () => target('app user', async () => (await ok('POST', `${base()}/app-users`, { name: unique('Walk app'), accessType: 'MembersRead' })).json.clientId as string);
async function installed(appId: string, audience: 'me' | 'all' = 'me'): Promise<string> {
  const r = await h.request('GET', `${base()}/apps/${appId}`, { token: owner.token });
  if (r.status === 404) await ok('POST', `${base()}/apps/${appId}/install`, { audience, acceptPermissions: true });
  return appId;
}
const emails = (n: number, what: string) => Array.from({ length: n }, () => uniqueEmail(what));
async function invitationLinks(n: number): Promise<string[]> {
  const to = emails(n, 'walk-invitee');
  await ok('POST', `${base()}/invitations`, { emails: to, role: basicRole });
  await h.drain();
  return lastLinksTo(to, 'invitations');
}
async function signInLinks(n: number): Promise<string[]> {
  const to = emails(n, 'walk-link');
  for (const email of to) expect((await h.request('POST', '/auth/email-link', { body: { email, fullName: 'Link Person' } })).status).toBe(202);
  await h.drain();
  return lastLinksTo(to, 'auth/email-link');
}
/**
 * Single-use credentials (links, hand-off codes, sessions) for a route's cases, made
 * all at once on its first case: one pass of the outbox instead of one per caller.
 */
function pooled<T>(makeAll: (n: number) => Promise<T[]>): () => Promise<T> {
  let pool: T[] = [];
  return async () => {
    if (pool.length === 0) pool = await makeAll(CALLERS.length);
    return pool.shift()!;
  };
}
const nextSignInLink = pooled(signInLinks);
const nextInvitationLink = pooled(invitationLinks);
const nextCode = pooled((n) => consoleCodes(h, emails(n, 'walk-console')));
const nextConsoleSession = [pooled((n) => consoleSignIns(h, emails(n, 'walk-console'))), pooled((n) => consoleSignIns(h, emails(n, 'walk-console')))] as const;
/** A second session of every person, so one can be ended from the first. */
const secondSession = (() => {
  let sessions: Map<string, Person> | undefined;
  return async (c: Held): Promise<Person> => {
    if (!sessions) {
      const people = [...held.values()].filter((x) => x.person);
      const again = await signIns(h, people.map((x) => x.person!.email));
      sessions = new Map(people.map((x, i) => [x.caller.name, again[i]!]));
    }
    return sessions.get(c.caller.name)!;
  };
})();
const sameOrigin = (more: Record<string, string> = {}) => ({ origin: consoleOrigin(), 'sec-fetch-site': 'same-origin', ...more });
const personOf = (c: Held) => c.person;
/** People who signed out everywhere; they sign in again (all at once) before the next route. */
const signedOut: Held[] = [];
async function signInAgain(): Promise<void> {
  const again = await signIns(h, signedOut.map((c) => c.person!.email));
  for (const [i, c] of signedOut.entries()) {
    c.person = again[i];
    c.token = again[i]!.token;
    if (c.caller.name === 'owner') owner = again[i]!;
  }
  signedOut.length = 0;
}

// ---- one valid request per route (per case) ----------------------------------------

const RECIPES: Record<string, Recipe | Record<string, Recipe>> = {
  'GET /health': async () => ({ method: 'GET', path: '/health' }),
  'GET /docs': async () => ({ method: 'GET', path: '/docs' }),
  'GET /openapi.json': async () => ({ method: 'GET', path: '/openapi.json' }),
  'GET /.well-known/jwks.json': async () => ({ method: 'GET', path: '/.well-known/jwks.json' }),
  'GET /.well-known/openid-configuration': async () => ({ method: 'GET', path: '/.well-known/openid-configuration' }),
  'POST /auth/email-link': async () => ({ method: 'POST', path: '/auth/email-link', body: { email: uniqueEmail('walk-link') } }),
  'GET /auth/email-link/{token}': async () => ({ method: 'GET', path: `/auth/email-link/${fixture.signInToken}` }),
  'POST /auth/email-link/{token}': async () => ({ method: 'POST', path: `/auth/email-link/${await nextSignInLink()}` }),
  'POST /oauth/token': async () => ({
    method: 'POST', path: '/oauth/token',
    body: { grant_type: 'client_credentials', client_id: fixture.appUser.clientId, client_secret: fixture.appUser.clientSecret },
  }),
  'POST /oauth/revoke': async () => ({
    method: 'POST', path: '/oauth/revoke',
    body: { token: 'no-such-token', client_id: fixture.appUser.clientId, client_secret: fixture.appUser.clientSecret },
  }),
  'POST /auth/session': async () => {
    const { code, verifier } = await nextCode();
    return { method: 'POST', path: '/auth/session', headers: sameOrigin(), body: { code, codeVerifier: verifier } };
  },
  'POST /auth/session/refresh': async () => {
    const s = await nextConsoleSession[0]();
    return { method: 'POST', path: '/auth/session/refresh', headers: sameOrigin({ 'x-roster-csrf': '1', cookie: s.cookie }) };
  },
  'DELETE /auth/session': async () => {
    const s = await nextConsoleSession[1]();
    return { method: 'DELETE', path: '/auth/session', headers: sameOrigin({ 'x-roster-csrf': '1', cookie: s.cookie }) };
  },
  'GET /me/sessions': async () => ({ method: 'GET', path: '/me/sessions' }),
  'DELETE /me/sessions/{sessionId}': async (c) => {
    if (!personOf(c)) return { method: 'DELETE', path: `/me/sessions/${newId('fam')}` };
    // A second session of the same person, ended from the first.
    const second = await secondSession(c);
    const mine = await ok('GET', '/me/sessions', undefined, second.token);
    const id = (mine.json.items as { id: string; current: boolean }[]).find((s) => s.current)!.id;
    return { method: 'DELETE', path: `/me/sessions/${id}` };
  },
  'POST /me/sessions/revoke-all': async (c) => ({ method: 'POST', path: '/me/sessions/revoke-all', after: async () => { signedOut.push(c); } }),
  'GET /me': async () => ({ method: 'GET', path: '/me' }),
  'PATCH /me': async () => ({ method: 'PATCH', path: '/me', body: { fullName: 'Walk Person' } }),
  'POST /workspaces': async () => ({ method: 'POST', path: '/workspaces', body: { name: 'Walk side' } }),
  'GET /workspaces/{ws}': async () => ({ method: 'GET', path: base() }),
  'PATCH /workspaces/{ws}': async () => ({ method: 'PATCH', path: base(), body: { name: 'Walk' } }),
  'PUT /workspaces/{ws}/subscription': async () => ({ method: 'PUT', path: `${base()}/subscription`, body: { seats: 1000 } }),
  'POST /workspaces/{ws}/ownership-transfer': async (c) => {
    if (c.caller.name !== 'owner') return { method: 'POST', path: `${base()}/ownership-transfer`, body: { userId: await seeded() } };
    // The heir hands ownership straight back, so the walk's owner stays the owner.
    const heir = await signedInMember(h, ws, { role: basicRole });
    return {
      method: 'POST', path: `${base()}/ownership-transfer`, body: { userId: heir.userId },
      after: async () => { await ok('POST', `${base()}/ownership-transfer`, { userId: owner.userId }, heir.token); },
    };
  },
  'POST /workspaces/{ws}/license-reconciliation': async () => ({ method: 'POST', path: `${base()}/license-reconciliation` }),
  'GET /workspaces/{ws}/audit-events': async () => ({ method: 'GET', path: `${base()}/audit-events` }),
  'GET /workspaces/{ws}/roles': async () => ({ method: 'GET', path: `${base()}/roles` }),
  'POST /workspaces/{ws}/roles': async () => ({ method: 'POST', path: `${base()}/roles`, body: { name: unique('New role'), permissions: [] } }),
  'PATCH /workspaces/{ws}/roles/{roleId}': async () => ({ method: 'PATCH', path: `${base()}/roles/${await customRole()}`, body: { name: unique('Renamed role') } }),
  'DELETE /workspaces/{ws}/roles/{roleId}': async () => ({ method: 'DELETE', path: `${base()}/roles/${await customRole()}` }),
  'GET /workspaces/{ws}/members': async () => ({ method: 'GET', path: `${base()}/members` }),
  'GET /workspaces/{ws}/members/export': async () => ({ method: 'GET', path: `${base()}/members/export` }),
  'GET /workspaces/{ws}/members/{userId}': async () => ({ method: 'GET', path: `${base()}/members/${owner.userId}` }),
  'GET /workspaces/{ws}/members/{userId}/permissions': async () => ({ method: 'GET', path: `${base()}/members/${owner.userId}/permissions` }),
  'PATCH /workspaces/{ws}/members/{userId}': async () => ({ method: 'PATCH', path: `${base()}/members/${await seeded()}`, body: { role: basicRole2 } }),
  'POST /workspaces/{ws}/members/{userId}/suspend': async () => ({ method: 'POST', path: `${base()}/members/${await seeded()}/suspend` }),
  'POST /workspaces/{ws}/members/{userId}/unsuspend': async () => ({ method: 'POST', path: `${base()}/members/${await seeded('suspended')}/unsuspend` }),
  'POST /workspaces/{ws}/members/{userId}/reactivate': async () => ({ method: 'POST', path: `${base()}/members/${await seeded('deactivated')}/reactivate` }),
  'DELETE /workspaces/{ws}/members/{userId}': {
    other: async () => ({ method: 'DELETE', path: `${base()}/members/${await seeded()}` }),
    self: async (c) => {
      const p = personOf(c);
      if (!p) return { method: 'DELETE', path: `${base()}/members/${await seeded()}` };
      // Whoever left is restored by the owner: the walk needs them back.
      return { method: 'DELETE', path: `${base()}/members/${p.userId}`, after: async () => { await ok('POST', `${base()}/members/${p.userId}/restore`); } };
    },
    purge: async () => ({ method: 'DELETE', path: `${base()}/members/${await removedMember()}?purge=true` }),
  },
  'POST /workspaces/{ws}/members/{userId}/restore': async () => ({ method: 'POST', path: `${base()}/members/${await removedMember()}/restore` }),
  'POST /workspaces/{ws}/invitations': async () => ({ method: 'POST', path: `${base()}/invitations`, body: { emails: [uniqueEmail('walk')], role: basicRole } }),
  'GET /workspaces/{ws}/invitations': async () => ({ method: 'GET', path: `${base()}/invitations` }),
  'POST /workspaces/{ws}/invitations/{invitationId}/resend': async () => ({ method: 'POST', path: `${base()}/invitations/${await invitation()}/resend` }),
  'DELETE /workspaces/{ws}/invitations/{invitationId}': async () => ({ method: 'DELETE', path: `${base()}/invitations/${await invitation()}` }),
  'GET /invitations/{token}': async () => ({ method: 'GET', path: `/invitations/${fixture.invitationToken}` }),
  'POST /invitations/{token}/accept': async () => ({ method: 'POST', path: `/invitations/${allowedCase ? await nextInvitationLink() : fixture.invitationToken}/accept`, body: { fullName: 'Walk Invitee' } }),
  'GET /access-types': async () => ({ method: 'GET', path: '/access-types' }),
  'POST /workspaces/{ws}/app-users': async () => ({ method: 'POST', path: `${base()}/app-users`, body: { name: unique('Walk app'), accessType: 'MembersRead' } }),
  'GET /workspaces/{ws}/app-users': async () => ({ method: 'GET', path: `${base()}/app-users` }),
  'GET /workspaces/{ws}/app-users/{clientId}': async () => ({ method: 'GET', path: `${base()}/app-users/${fixture.appUser.clientId}` }),
  'PATCH /workspaces/{ws}/app-users/{clientId}': async () => ({ method: 'PATCH', path: `${base()}/app-users/${await appUserId()}`, body: { name: unique('Renamed app') } }),
  'DELETE /workspaces/{ws}/app-users/{clientId}': async () => ({ method: 'DELETE', path: `${base()}/app-users/${await appUserId()}` }),
  'POST /workspaces/{ws}/app-users/{clientId}/secret': async () => ({ method: 'POST', path: `${base()}/app-users/${await appUserId()}/secret`, body: {} }),
  'POST /workspaces/{ws}/integrations': async () => ({ method: 'POST', path: `${base()}/integrations`, body: { name: unique('Created integration') } }),
  'GET /workspaces/{ws}/integrations': async () => ({ method: 'GET', path: `${base()}/integrations` }),
  'GET /workspaces/{ws}/integrations/{integrationId}': async () => ({ method: 'GET', path: `${base()}/integrations/${fixture.integration}` }),
  'PATCH /workspaces/{ws}/integrations/{integrationId}': async () => ({ method: 'PATCH', path: `${base()}/integrations/${fixture.integration}`, body: { name: unique('Renamed integration') } }),
  'DELETE /workspaces/{ws}/integrations/{integrationId}': async () => ({ method: 'DELETE', path: `${base()}/integrations/${await integration()}` }),
  'PUT /workspaces/{ws}/integrations/{integrationId}/sharing': async () => ({
    method: 'PUT', path: `${base()}/integrations/${fixture.integration}/sharing`, body: { owners: [owner.userId], users: [] },
  }),
  'GET /apps': async () => ({ method: 'GET', path: '/apps' }),
  'POST /workspaces/{ws}/apps/{appId}/install': async () => ({
    method: 'POST', path: `${base()}/apps/meetsync/install`, body: { audience: 'me', acceptPermissions: true },
    after: async () => { await ok('DELETE', `${base()}/apps/meetsync`); },
  }),
  'GET /workspaces/{ws}/apps': async () => ({ method: 'GET', path: `${base()}/apps` }),
  'GET /workspaces/{ws}/apps/{appId}': async () => ({ method: 'GET', path: `${base()}/apps/mailbridge` }),
  'GET /workspaces/{ws}/apps/{appId}/users': async () => ({ method: 'GET', path: `${base()}/apps/mailbridge/users?limit=5` }),
  'PATCH /workspaces/{ws}/apps/{appId}/users': async () => ({ method: 'PATCH', path: `${base()}/apps/mailbridge/users`, body: { add: [owner.userId] } }),
  'POST /workspaces/{ws}/apps/{appId}/authorize': async () => ({ method: 'POST', path: `${base()}/apps/mailbridge/authorize` }),
  'DELETE /workspaces/{ws}/apps/{appId}': async () => ({ method: 'DELETE', path: `${base()}/apps/${await installed('chatpulse')}` }),
  'GET /console': async () => ({ method: 'GET', path: '/console' }),
  'GET /console/': async () => ({ method: 'GET', path: '/console/' }),
  'GET /console/members': async () => ({ method: 'GET', path: '/console/members' }),
  'GET /docs/redoc.standalone.js': async () => ({ method: 'GET', path: '/docs/redoc.standalone.js' }),
};

// ---- the walk --------------------------------------------------------------------

/** Show the caller's token works on a route it may use, so a refusal is about the route and nothing else. */
async function proveLive(c: Held): Promise<void> {
  const { caller } = c;
  if (caller.kind === 'anonymous') return;
  const path = caller.kind === 'app' ? (caller.home ? base() : `/workspaces/${foreignWs}`)
    : caller.home && caller.status === 'active' ? base() : '/me';
  const r = await h.request('GET', path, { token: c.token });
  expect(r.status, `${caller.name}'s token must work on GET ${path} before a refusal means anything: ${r.text.slice(0, 200)}`).toBe(200);
}

const stats = { cases: 0, allowed: 0, refused: 0, probes: 0, ms: 0 };
let startedAt = 0;

async function walkCase(label: string, rule: Rule, recipe: Recipe): Promise<void> {
  if (signedOut.length > 0) await signInAgain();
  for (const caller of CALLERS) {
    const c = held.get(caller.name)!;
    const expected: Outcome = expectedOutcome(rule, caller);
    if (!expected.ok && caller.kind !== 'anonymous') {
      await proveLive(c);
      stats.probes += 1;
    }
    allowedCase = expected.ok;
    const req = await recipe(c);
    const started = performance.now();
    const { result: res, written } = await recordingWrites(() => send(req, c.token));
    stats.ms += performance.now() - started;
    stats.cases += 1;
    const where = `${label} as ${caller.name} → ${res.status} ${res.text.slice(0, 300)}`;
    if (expected.ok) {
      stats.allowed += 1;
      if (expected.status) expect(res.status, where).toBe(expected.status);
      else expect([res.status >= 200, res.status < 300], where).toEqual([true, true]);
      await req.after?.(res);
    } else {
      stats.refused += 1;
      expect(res.status, where).toBe(expected.status);
      // RFC 6749 §5.2 on the OAuth endpoints: { error: "invalid_client" }.
      expect(res.json?.error?.code ?? res.json?.error, where).toBe(expected.code);
      if ('missing' in expected && expected.missing) expect(res.json.error.details?.missing, where).toEqual([expected.missing]);
      expect(written, `${where}: a refused request wrote`).toEqual([]);
    }
  }
}

beforeAll(async () => {
  local = await startHarness();
  h = { ...local, request: when(local) };
  const homePeople = CALLERS.filter((c) => c.kind === 'person' && c.home);
  // Every person of the walk signs in at once; the first is the owner, the last the foreign owner.
  const people = await signIns(h, [...homePeople.map((c) => uniqueEmail(c.name.replace(/\W/g, '-'))), uniqueEmail('foreign-owner')]);
  owner = people[0]!;
  const foreignOwner = people.at(-1)!;
  ws = await createWorkspace(h, owner, 'Walk', 1000);
  foreignWs = await createWorkspace(h, foreignOwner, 'Foreign', 10);
  basicRole = (await ok('POST', `${base()}/roles`, { name: 'Basic', permissions: ['members.read'] })).json.id;
  basicRole2 = (await ok('POST', `${base()}/roles`, { name: 'Basic too', permissions: ['members.read'] })).json.id;
  const custom = (await ok('POST', `${base()}/roles`, { name: 'Walk custom', permissions: [...CUSTOM_ROLE_PERMISSIONS] })).json.id as string;

  for (const caller of CALLERS) {
    let c: Held = { caller };
    if (caller.kind === 'person' && caller.home) {
      const person = people[homePeople.indexOf(caller)]!;
      if (caller.role !== 'owner') {
        const role = caller.role === 'custom' ? custom : caller.role;
        const status = caller.status === 'removed' ? 'active' : caller.status;
        await seedMember(ws, { userId: person.userId, email: person.email, fullName: `The ${caller.name}`, role, status });
      }
      if (caller.status === 'removed') await ok('DELETE', `${base()}/members/${person.userId}`);
      c = { caller, person, token: person.token };
    } else if (caller.kind === 'person') {
      c = { caller, person: foreignOwner, token: foreignOwner.token };
    } else if (caller.kind === 'app') {
      const app = await appUser(h, caller.home ? ws : foreignWs, caller.home ? owner : foreignOwner, caller.accessType);
      c = { caller, token: app.token };
    }
    held.set(caller.name, c);
  }
  const app = await ok('POST', `${base()}/app-users`, { name: 'Fixture app', accessType: 'MembersRead' });
  fixture = {
    integration: await integration(),
    appUser: { clientId: app.json.clientId, clientSecret: app.json.clientSecret },
    invitationToken: (await invitationLinks(1))[0]!,
    signInToken: (await signInLinks(1))[0]!,
  };
  // Installed for all: every member, later ones too, may authorize it.
  await installed('mailbridge', 'all');
  startedAt = performance.now();
}, 120_000);
afterAll(async () => {
  console.info(`[authorization walk] ${whenMode}: ${stats.cases} cases (${stats.allowed} allowed, ${stats.refused} refused, ${stats.probes} liveness probes), `
    + `${CALLERS.length} callers, walk ${Math.round((performance.now() - startedAt) / 1000)} s, the cases' own requests ${Math.round(stats.ms / 1000)} s`);
  await local.runtime.stop();
});

const routeKeys = (routes as readonly { method: string; path: string }[]).map((r) => `${r.method} ${r.path}`);

describe('the truth table', () => {
  it('has a row for every route of the route table and for nothing else', () => {
    const missing = routeKeys.filter((k) => !(k in CONTRACT));
    expect(missing, `routes with no row in test/support/contract.ts (write one from API.md): ${missing.join(', ')}`).toEqual([]);
    const stale = Object.keys(CONTRACT).filter((k) => !routeKeys.includes(k));
    expect(stale, `rows in test/support/contract.ts for routes that no longer exist: ${stale.join(', ')}`).toEqual([]);
  });

  it('knows every caller the issue asks for', () => {
    const kinds = CALLERS.map((c) => (c.kind === 'person' ? `${c.role}/${c.status}/${c.home ? 'home' : 'foreign'}` : c.kind === 'app' ? `app/${c.accessType}/${c.home ? 'home' : 'foreign'}` : 'anonymous'));
    for (const want of ['owner/active/home', 'admin/active/home', 'integrator/active/home', 'contributor_plus/active/home', 'contributor/active/home',
      'restricted_contributor/active/home', 'reader/active/home', 'custom/active/home', 'admin/suspended/home', 'admin/deactivated/home',
      'admin/removed/home', 'owner/active/foreign', 'anonymous', ...ACCESS_TYPE_NAMES.map((t) => `app/${t}/home`)]) {
      expect(kinds).toContain(want);
    }
  });
});

describe('authorization walk: every route × every caller', () => {
  for (const key of [...routeKeys, ...Object.keys(STATIC_PATHS)]) {
    it(key, async () => {
      const row = CONTRACT[key] ?? STATIC_PATHS[key];
      expect(row, `no row for ${key} in test/support/contract.ts: write what API.md says about it`).toBeDefined();
      const recipe = RECIPES[key];
      expect(recipe, `no request for ${key} in the walk's RECIPES (authorization-walk.test.ts)`).toBeDefined();
      if (isCaseSplit(row!)) {
        expect(Object.keys(recipe!).sort(), `cases of ${key}`).toEqual(Object.keys(row!).sort());
        for (const [name, rule] of Object.entries(row!)) await walkCase(`${key} (${name})`, rule, (recipe as Record<string, Recipe>)[name]!);
      } else {
        await walkCase(key, row!, recipe as Recipe);
      }
    }, 60_000);
  }
});
