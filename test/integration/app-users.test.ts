import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { signIn, createWorkspace, type Person } from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { db, tableName } from '../../shared/data/core.js';
import { appUserKey } from '../../shared/data/app-users.js';
import { hashToken } from '../../shared/auth/secrets.js';
import { resolveAccess } from '../../shared/domain/access.js';
import { ACCESS_TYPES, type AccessType } from '../../shared/domain/permissions.js';
import { routes, type RouteDef } from '../../shared/http/routes.js';
import { AppError } from '../../shared/errors.js';

let h: Harness;
let owner: Person;
let ws: string;
beforeAll(async () => {
  h = await startHarness();
  owner = await signIn(h, uniqueEmail('owner'), 'Olivia Owner');
  ws = await createWorkspace(h, owner, 'Acme', 5);
});
afterAll(async () => { await h.runtime.stop(); });

async function createApp(accessType: AccessType = 'ObjectRead', workspace = ws, by = owner, name = 'Report Export API') {
  const r = await h.request('POST', `/workspaces/${workspace}/app-users`, { token: by.token, body: { name, accessType } });
  expect(r.status).toBe(201);
  return r.json as { id: string; clientId: string; clientSecret: string; scopes: string[] };
}

async function tokenFor(clientId: string, clientSecret: string, scope?: string) {
  return h.request('POST', '/oauth/token', { body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ...(scope ? { scope } : {}) } });
}

async function appToken(clientId: string, clientSecret: string): Promise<string> {
  const r = await tokenFor(clientId, clientSecret);
  expect(r.status).toBe(200);
  return r.json.access_token as string;
}

const rawItem = async (clientId: string) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: appUserKey(clientId), ConsistentRead: true }))).Item!;

async function auditActions(workspace = ws): Promise<{ action: string; target: { id: string }; details: Record<string, unknown> }[]> {
  const r = await h.request('GET', `/workspaces/${workspace}/audit-events?limit=100`, { token: owner.token });
  expect(r.status).toBe(200);
  return r.json.items;
}

describe('access types', () => {
  it('GET /access-types lists exactly the access types of API.md with their scopes', async () => {
    const r = await h.request('GET', '/access-types');
    expect(r.status).toBe(200);
    expect(r.json).toEqual([
      { accessType: 'ObjectRead', scopes: ['members:read', 'integrations:read', 'apps:read'] },
      { accessType: 'ObjectReadWrite', scopes: ['members:read', 'integrations:read', 'apps:read', 'integrations:write'] },
      { accessType: 'ObjectLink', scopes: ['members:read', 'integrations:read', 'apps:read', 'integrations:share'] },
      { accessType: 'MembersManage', scopes: ['members:read', 'members:write', 'invitations:write'] },
      { accessType: 'MembersRead', scopes: ['members:read'] },
    ]);
  });
});

describe('creating and reading application users', () => {
  it('creates one with an immutable app_ client id and a prefixed 256-bit secret, stored only as a keyed hash', async () => {
    const r = await h.request('POST', `/workspaces/${ws}/app-users`, { token: owner.token, body: { name: '  Report Export API ', accessType: 'ObjectRead' } });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(r.json).sort()).toEqual(['accessType', 'clientId', 'clientSecret', 'createdAt', 'createdBy', 'id', 'name', 'scopes']);
    expect(r.json).toMatchObject({
      name: 'Report Export API', accessType: 'ObjectRead', scopes: ['members:read', 'integrations:read', 'apps:read'], createdBy: owner.userId,
    });
    expect(r.json.clientId).toBe(r.json.id);
    expect(r.json.clientId).toMatch(/^app_[0-9A-HJKMNP-TV-Z]{26}$/);
    // rsk_ + 32 random bytes in base64url.
    expect(r.json.clientSecret).toMatch(/^rsk_[A-Za-z0-9_-]{43}$/);

    const item = await rawItem(r.json.clientId);
    expect(JSON.stringify(item)).not.toContain(r.json.clientSecret);
    expect(JSON.stringify(item)).not.toContain(r.json.clientSecret.slice(4));
    expect(item.secretHash).toBe(await hashToken(r.json.clientSecret));

    const got = await h.request('GET', `/workspaces/${ws}/app-users/${r.json.clientId}`, { token: owner.token });
    expect(got.status).toBe(200);
    const { clientSecret: _secret, ...withoutSecret } = r.json;
    expect(got.json).toEqual(withoutSecret);
    expect(got.text).not.toContain('secret');
  });

  it('lists a workspace\'s app users page by page, never with a secret, and refuses a cursor from another list', async () => {
    const other = await signIn(h, uniqueEmail('lister'));
    const ws2 = await createWorkspace(h, other, 'Lister Inc');
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createApp('ObjectRead', ws2, other, `App ${i}`));
    const p1 = await h.request('GET', `/workspaces/${ws2}/app-users?limit=2`, { token: other.token });
    expect(p1.status).toBe(200);
    expect(p1.json.items).toHaveLength(2);
    expect(p1.json.nextCursor).toEqual(expect.any(String));
    const p2 = await h.request('GET', `/workspaces/${ws2}/app-users?limit=2&cursor=${encodeURIComponent(p1.json.nextCursor)}`, { token: other.token });
    expect(p2.json.items).toHaveLength(1);
    expect(p2.json.nextCursor).toBeNull();
    expect([...p1.json.items, ...p2.json.items].map((a: { clientId: string }) => a.clientId)).toEqual(made.map((a) => a.clientId));
    for (const text of [p1.text, p2.text]) {
      expect(text).not.toMatch(/secret/i);
      for (const a of made) expect(text).not.toContain(a.clientSecret);
    }
    const foreign = await h.request('GET', `/workspaces/${ws}/app-users?cursor=${encodeURIComponent(p1.json.nextCursor)}`, { token: owner.token });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.code).toBe('invalid_cursor');
  });

  it('another workspace\'s app user is not found, for reads and writes alike', async () => {
    const app = await createApp();
    const other = await signIn(h, uniqueEmail('intruder'));
    const ws2 = await createWorkspace(h, other, 'Intruder Ltd');
    for (const [method, suffix, body] of [['GET', '', undefined], ['PATCH', '', { name: 'x' }], ['DELETE', '', undefined], ['POST', '/secret', {}]] as const) {
      const r = await h.request(method, `/workspaces/${ws2}/app-users/${app.clientId}${suffix}`, { token: other.token, body });
      expect(r.status).toBe(404);
    }
    // …and nothing changed: the original secret still works.
    await appToken(app.clientId, app.clientSecret);
    expect((await rawItem(app.clientId)).name).toBe('Report Export API');
    // The other owner cannot reach the first workspace at all.
    const direct = await h.request('GET', `/workspaces/${ws}/app-users/${app.clientId}`, { token: other.token });
    expect(direct.status).toBe(404);
  });

  it('needs developer.access: integrators may manage app users, contributors may not, and app tokens never', async () => {
    const integrator = await signIn(h, uniqueEmail('integrator'));
    await seedMember(ws, { userId: integrator.userId, email: integrator.email, role: 'integrator' });
    const contributor = await signIn(h, uniqueEmail('contributor'));
    await seedMember(ws, { userId: contributor.userId, email: contributor.email, role: 'contributor' });

    const made = await createApp('MembersRead', ws, integrator, 'Integrator App');
    // Only what the integrator holds (API.md "Authority never grows"): no integrations:read without integrations.manage_all.
    const above = await h.request('POST', `/workspaces/${ws}/app-users`, { token: integrator.token, body: { name: 'Above', accessType: 'ObjectRead' } });
    expect(above.status).toBe(403);
    expect(above.json.error.details).toEqual({ missing: ['integrations.manage_all'] });
    const denied = await h.request('POST', `/workspaces/${ws}/app-users`, { token: contributor.token, body: { name: 'Nope', accessType: 'ObjectRead' } });
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe('forbidden');
    expect((await h.request('GET', `/workspaces/${ws}/app-users`, { token: contributor.token })).status).toBe(403);

    const manager = await createApp('MembersManage');
    const token = await appToken(manager.clientId, manager.clientSecret);
    for (const [method, path, body] of [
      ['GET', `/workspaces/${ws}/app-users`, undefined],
      ['POST', `/workspaces/${ws}/app-users`, { name: 'Child', accessType: 'MembersManage' }],
      ['POST', `/workspaces/${ws}/app-users/${made.clientId}/secret`, {}],
      ['DELETE', `/workspaces/${ws}/app-users/${made.clientId}`, undefined],
    ] as const) {
      const r = await h.request(method, path, { token, body });
      expect(r.status).toBe(403);
    }
    await appToken(made.clientId, made.clientSecret);
  });

  it('refuses bad input with 400 and creates nothing', async () => {
    const before = (await h.request('GET', `/workspaces/${ws}/app-users?limit=100`, { token: owner.token })).json.items.length;
    for (const body of [
      { name: 'x', accessType: 'Object Dynamics_Read' },
      { name: '', accessType: 'ObjectRead' },
      { accessType: 'ObjectRead' },
      { name: 'x', accessType: 'ObjectRead', clientId: 'app_mine' },
      { name: 'x', accessType: 'ObjectRead', clientSecret: 'rsk_chosen' },
    ]) {
      const r = await h.request('POST', `/workspaces/${ws}/app-users`, { token: owner.token, body });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('validation_failed');
    }
    const after = (await h.request('GET', `/workspaces/${ws}/app-users?limit=100`, { token: owner.token })).json.items.length;
    expect(after).toBe(before);
  });
});

describe('changing application users', () => {
  it('renames without touching issued tokens, and the client id cannot be changed', async () => {
    const app = await createApp();
    const token = await appToken(app.clientId, app.clientSecret);
    const r = await h.request('PATCH', `/workspaces/${ws}/app-users/${app.clientId}`, { token: owner.token, body: { name: 'Nightly Export' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ clientId: app.clientId, name: 'Nightly Export', accessType: 'ObjectRead' });
    expect((await h.request('GET', `/workspaces/${ws}`, { token })).status).toBe(200);
    const immutable = await h.request('PATCH', `/workspaces/${ws}/app-users/${app.clientId}`, { token: owner.token, body: { clientId: 'app_other' } });
    expect(immutable.status).toBe(400);
    const events = await auditActions();
    expect(events.find((e) => e.action === 'app_user.updated' && e.target.id === app.clientId)?.details)
      .toEqual({ name: { from: 'Report Export API', to: 'Nightly Export' }, tokensRevoked: false });
  });

  it('narrowing the access type ends issued tokens at once; new tokens carry the new scopes', async () => {
    const app = await createApp('ObjectReadWrite');
    const wide = await tokenFor(app.clientId, app.clientSecret);
    expect(wide.json.scope).toBe('members:read integrations:read apps:read integrations:write');
    expect((await h.request('GET', `/workspaces/${ws}`, { token: wide.json.access_token })).status).toBe(200);

    const r = await h.request('PATCH', `/workspaces/${ws}/app-users/${app.clientId}`, { token: owner.token, body: { accessType: 'MembersManage' } });
    expect(r.status).toBe(200);
    expect(r.json.scopes).toEqual(['members:read', 'members:write', 'invitations:write']);

    const old = await h.request('GET', `/workspaces/${ws}`, { token: wide.json.access_token });
    expect(old.status).toBe(401);
    const refreshed = await h.request('POST', '/oauth/token', {
      body: { grant_type: 'refresh_token', refresh_token: wide.json.refresh_token, client_id: app.clientId, client_secret: app.clientSecret },
    });
    expect(refreshed.status).toBe(400);
    expect(refreshed.json.error).toBe('invalid_grant');

    // The same secret still works and yields the narrowed scopes.
    const narrow = await tokenFor(app.clientId, app.clientSecret);
    expect(narrow.json.scope).toBe('members:read members:write invitations:write');
    expect((await h.request('GET', `/workspaces/${ws}`, { token: narrow.json.access_token })).status).toBe(200);
    expect((await h.request('GET', `/workspaces/${ws}/integrations`, { token: narrow.json.access_token })).status).toBe(403);
    const events = await auditActions();
    expect(events.find((e) => e.action === 'app_user.updated' && e.target.id === app.clientId)?.details)
      .toEqual({ accessType: { from: 'ObjectReadWrite', to: 'MembersManage' }, tokensRevoked: true });
  });

  it('narrowing during a secret grace period ends the grace: no token or secret of the wider access survives', async () => {
    const app = await createApp('ObjectReadWrite');
    const beforeReset = await appToken(app.clientId, app.clientSecret);
    const r = await h.request('POST', `/workspaces/${ws}/app-users/${app.clientId}/secret`, { token: owner.token, body: { previousSecretExpiresInSeconds: 3600 } });
    const newSecret = r.json.clientSecret as string;
    const oldSecretToken = await appToken(app.clientId, app.clientSecret);
    const newSecretToken = await appToken(app.clientId, newSecret);
    for (const token of [beforeReset, oldSecretToken, newSecretToken]) {
      expect((await h.request('GET', `/workspaces/${ws}`, { token })).status).toBe(200);
    }

    const patch = await h.request('PATCH', `/workspaces/${ws}/app-users/${app.clientId}`, { token: owner.token, body: { accessType: 'ObjectRead' } });
    expect(patch.status).toBe(200);
    for (const token of [beforeReset, oldSecretToken, newSecretToken]) {
      expect((await h.request('GET', `/workspaces/${ws}`, { token })).status).toBe(401);
    }
    expect((await tokenFor(app.clientId, app.clientSecret)).status).toBe(401);
    const fresh = await tokenFor(app.clientId, newSecret);
    expect(fresh.json.scope).toBe('members:read integrations:read apps:read');
  });

  it('widening the access type keeps issued tokens working with the scopes they were issued with', async () => {
    const app = await createApp('ObjectRead');
    const before = await appToken(app.clientId, app.clientSecret);
    const r = await h.request('PATCH', `/workspaces/${ws}/app-users/${app.clientId}`, { token: owner.token, body: { accessType: 'ObjectReadWrite' } });
    expect(r.status).toBe(200);
    expect((await h.request('GET', `/workspaces/${ws}`, { token: before })).status).toBe(200);
    const write = await h.request('POST', `/workspaces/${ws}/integrations`, { token: before, body: { name: 'Sync' } });
    expect(write.status).toBe(403);
    const after = await tokenFor(app.clientId, app.clientSecret);
    expect(after.json.scope).toContain('integrations:write');
  });

  it('DELETE disables: 204, issued tokens and refresh tokens stop at once, the client can no longer authenticate, and it is gone from the API', async () => {
    const app = await createApp();
    const session = await tokenFor(app.clientId, app.clientSecret);
    expect((await h.request('GET', `/workspaces/${ws}`, { token: session.json.access_token })).status).toBe(200);

    const del = await h.request('DELETE', `/workspaces/${ws}/app-users/${app.clientId}`, { token: owner.token });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');

    const use = await h.request('GET', `/workspaces/${ws}`, { token: session.json.access_token });
    expect(use.status).toBe(401);
    const again = await tokenFor(app.clientId, app.clientSecret);
    expect(again.status).toBe(401);
    expect(again.json.error).toBe('invalid_client');
    const refresh = await h.request('POST', '/oauth/token', {
      body: { grant_type: 'refresh_token', refresh_token: session.json.refresh_token, client_id: app.clientId, client_secret: app.clientSecret },
    });
    expect(refresh.status).toBe(401);

    expect((await h.request('GET', `/workspaces/${ws}/app-users/${app.clientId}`, { token: owner.token })).status).toBe(404);
    const list = await h.request('GET', `/workspaces/${ws}/app-users?limit=100`, { token: owner.token });
    expect(list.json.items.map((a: { clientId: string }) => a.clientId)).not.toContain(app.clientId);
    expect((await h.request('DELETE', `/workspaces/${ws}/app-users/${app.clientId}`, { token: owner.token })).status).toBe(404);
    expect((await h.request('POST', `/workspaces/${ws}/app-users/${app.clientId}/secret`, { token: owner.token, body: {} })).status).toBe(404);
    // The item is kept (audit targets resolve; the id is never reused), without a secret that works.
    expect((await rawItem(app.clientId)).status).toBe('disabled');
    const events = await auditActions();
    expect(events.find((e) => e.action === 'app_user.disabled' && e.target.id === app.clientId)).toBeDefined();
  });

  it('a secret reset is audited without the secret; concurrent resets leave exactly one working secret', async () => {
    const app = await createApp();
    const [a, b] = await Promise.all([
      h.request('POST', `/workspaces/${ws}/app-users/${app.clientId}/secret`, { token: owner.token, body: {} }),
      h.request('POST', `/workspaces/${ws}/app-users/${app.clientId}/secret`, { token: owner.token }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json.clientSecret).not.toBe(b.json.clientSecret);
    const results = await Promise.all([app.clientSecret, a.json.clientSecret, b.json.clientSecret].map((s) => tokenFor(app.clientId, s)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    expect(results[0]!.status).toBe(401);
    expect((await rawItem(app.clientId)).generation).toBe(2);

    const events = (await auditActions()).filter((e) => e.action === 'app_user.secret_reset' && e.target.id === app.clientId);
    expect(events).toHaveLength(2);
    expect(events[0]!.details).toEqual({ previousSecretExpiresAt: null });
    const text = JSON.stringify(await auditActions());
    for (const s of [app.clientSecret, a.json.clientSecret, b.json.clientSecret]) expect(text).not.toContain(s);
    expect((await auditActions()).some((e) => e.action === 'app_user.created' && e.target.id === app.clientId)).toBe(true);
  });

  it('refuses a grace period outside 0..86400 s and keeps the secret', async () => {
    const app = await createApp();
    for (const body of [{ previousSecretExpiresInSeconds: 86_401 }, { previousSecretExpiresInSeconds: -1 }, { previousSecretExpiresInSeconds: 1.5 }, { previousSecretExpiresInSeconds: '60' }]) {
      const r = await h.request('POST', `/workspaces/${ws}/app-users/${app.clientId}/secret`, { token: owner.token, body });
      expect(r.status).toBe(400);
    }
    await appToken(app.clientId, app.clientSecret);
  });
});

describe('application users are not members', () => {
  it('never appear among members and take no seat', async () => {
    const boss = await signIn(h, uniqueEmail('seats'));
    const ws3 = await createWorkspace(h, boss, 'Seatless', 1);
    const apps = [];
    for (const t of ['ObjectRead', 'MembersManage', 'ObjectLink'] as const) apps.push(await createApp(t, ws3, boss));
    const wsView = await h.request('GET', `/workspaces/${ws3}`, { token: boss.token });
    expect(wsView.json.seats).toEqual({ limit: 1, used: 1 });
    const members = await h.request('GET', `/workspaces/${ws3}/members`, { token: boss.token });
    expect(members.status).toBe(200);
    expect(members.json.items.map((m: { userId: string }) => m.userId)).toEqual([boss.userId]);
    // The app's own view of the workspace agrees.
    const token = await appToken(apps[0]!.clientId, apps[0]!.clientSecret);
    const asApp = await h.request('GET', `/workspaces/${ws3}/members`, { token });
    expect(asApp.json.items.map((m: { userId: string }) => m.userId)).toEqual([boss.userId]);
    expect((await h.request('GET', `/workspaces/${ws3}`, { token })).json.seats.used).toBe(1);
  });
});

describe('scope enforcement over the whole route table', () => {
  const workspaceRoutes = (routes as readonly RouteDef[]).filter((r) => r.path.includes('{ws}'));

  async function outcome(route: RouteDef, principal: Parameters<typeof resolveAccess>[1], workspaceId: string): Promise<string> {
    try {
      await resolveAccess(route, principal, workspaceId);
      return 'allowed';
    } catch (err) {
      if (err instanceof AppError) return `${err.statusCode} ${err.code}`;
      throw err;
    }
  }

  it.each(Object.keys(ACCESS_TYPES) as AccessType[])('%s: a route is open exactly when its scope is granted, only in the app\'s own workspace', async (accessType) => {
    const app = await createApp(accessType);
    const generation = (await rawItem(app.clientId)).generation as number;
    const principal = { type: 'app' as const, clientId: app.clientId, workspaceId: ws, scopes: [...ACCESS_TYPES[accessType]], generation };
    for (const route of workspaceRoutes) {
      const expected = route.auth === 'user' ? '403 human_only'
        : route.scope && (ACCESS_TYPES[accessType] as readonly string[]).includes(route.scope) ? 'allowed' : '403 forbidden';
      expect(`${route.operation}: ${await outcome(route, principal, ws)}`).toBe(`${route.operation}: ${expected}`);
      const elsewhere = await outcome(route, principal, 'ws_01JOTHERWORKSPACE000000000');
      expect(`${route.operation}: ${elsewhere}`).toBe(`${route.operation}: ${route.auth === 'user' ? '403 human_only' : '404 not_found'}`);
    }
    // Member-management and app-user routes carry no write scope for read-only types.
    const manageMembers = workspaceRoutes.find((r) => r.operation === 'suspendMember')!;
    expect(await outcome(manageMembers, principal, ws)).toBe(accessType === 'MembersManage' ? 'allowed' : '403 forbidden');
  });
});
