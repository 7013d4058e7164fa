/**
 * The OAuth 2.0 token and revocation endpoints, driven both by hand and by a
 * standard client library (openid-client) that nobody here wrote.
 *
 * The harness listens on a port chosen up front so that PUBLIC_URL — the token
 * issuer, read when the handler modules load — names the very server a
 * discovery-driven client talks to. This file therefore imports nothing that
 * loads shared/config.ts before the harness starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startHarness, uniqueEmail, type Harness, type TestResponse } from '../support/harness.js';
import { signIn, createWorkspace, type Person } from '../support/given.js';
import { freePort } from '../../local/processes.js';
import { clock } from '../../shared/clock.js';
import { advanceClock } from '../support/clock.js';

let h: Harness;
let issuer: string;
let owner: Person;
let ws: string;

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  process.env.PUBLIC_URL = issuer;
  h = await startHarness({ port });
  owner = await signIn(h, uniqueEmail('owner'), 'Olivia Owner');
  ws = await createWorkspace(h, owner, 'Acme', 5);
});
afterAll(async () => { await h.runtime.stop(); });

interface App { clientId: string; clientSecret: string }

async function createApp(accessType = 'ObjectRead', workspace = ws, by = owner): Promise<App> {
  const r = await h.request('POST', `/workspaces/${workspace}/app-users`, { token: by.token, body: { name: 'Report Export API', accessType } });
  expect(r.status).toBe(201);
  return { clientId: r.json.clientId, clientSecret: r.json.clientSecret };
}

const tokenRequest = (body: Record<string, unknown>, headers?: Record<string, string>) => h.request('POST', '/oauth/token', { body, headers });

const form = (params: Record<string, string>, headers: Record<string, string> = {}) => ({
  rawBody: new URLSearchParams(params).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
});

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function clientCredentials(app: App, scope?: string): Promise<TestResponse> {
  return tokenRequest({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, ...(scope ? { scope } : {}) });
}

async function accessToken(app: App, scope?: string): Promise<string> {
  const r = await clientCredentials(app, scope);
  expect(r.status).toBe(200);
  return r.json.access_token;
}

const reset = (app: App, previousSecretExpiresInSeconds?: number) =>
  h.request('POST', `/workspaces/${ws}/app-users/${app.clientId}/secret`, {
    token: owner.token, body: previousSecretExpiresInSeconds === undefined ? {} : { previousSecretExpiresInSeconds },
  });

/** RFC 6749 §5.2: exactly { error, error_description }, never cached. */
function expectOAuthError(r: TestResponse, status: number, error: string) {
  expect({ status: r.status, error: r.json?.error }).toEqual({ status, error });
  expect(Object.keys(r.json).sort()).toEqual(['error', 'error_description']);
  expect(r.json.error_description).toEqual(expect.any(String));
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect(r.headers.get('content-type')).toContain('application/json');
}

describe('a standard OAuth client (openid-client) against our discovery document', () => {
  it('discovers the endpoints, obtains a token with client_credentials, and uses it; jose verifies it from the JWKS URL', async () => {
    const app = await createApp('ObjectRead');
    const config = await client.discovery(new URL(issuer), app.clientId, app.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    expect(config.serverMetadata().token_endpoint).toBe(`${issuer}/oauth/token`);

    const tokens = await client.clientCredentialsGrant(config, { scope: 'members:read' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe('members:read');
    expect(tokens.expiresIn()).toBeGreaterThan(0);

    const members = await h.request('GET', `/workspaces/${ws}/members`, { token: tokens.access_token });
    expect(members.status).toBe(200);
    expect(members.json.items.map((m: { userId: string }) => m.userId)).toEqual([owner.userId]);

    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer, audience: 'roster', algorithms: ['ES256'], typ: 'at+jwt', currentDate: clock.now(),
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: app.clientId, client_id: app.clientId, ws, scope: 'members:read', gen: 0 });
  });

  it('also authenticates with HTTP Basic, rotates the refresh token, and revokes it', async () => {
    const app = await createApp('ObjectReadWrite');
    const config = await client.discovery(new URL(issuer), app.clientId, {}, client.ClientSecretBasic(app.clientSecret), { execute: [client.allowInsecureRequests] });
    const first = await client.clientCredentialsGrant(config);
    expect(first.scope).toBe('members:read integrations:read apps:read integrations:write');
    const second = await client.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await h.request('GET', `/workspaces/${ws}`, { token: second.access_token })).status).toBe(200);
    await client.tokenRevocation(config, second.refresh_token!);
    await expect(client.refreshTokenGrant(config, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('the discovery document names the endpoints, grant types and client authentication methods', async () => {
    const r = await h.request('GET', '/.well-known/openid-configuration');
    expect(r.json).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      // 'none': host products exchange sign-in hand-off codes as public clients (PKCE instead of a secret).
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    });
    // No private_key_jwt / client_secret_jwt here, so no signing algorithms for client authentication.
    expect(r.json.token_endpoint_auth_signing_alg_values_supported).toBeUndefined();
    expect(r.json.scopes_supported).toEqual(expect.arrayContaining(['members:read', 'members:write', 'invitations:write', 'integrations:read', 'integrations:write', 'integrations:share', 'apps:read']));
  });
});

describe('POST /oauth/token: client_credentials', () => {
  it('accepts the JSON body of seed 001 and answers an uncacheable token response', async () => {
    const app = await createApp('MembersManage');
    const r = await clientCredentials(app);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(r.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'members:read members:write invitations:write' });
    expect(r.json.refresh_token).toMatch(/^rrt_/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('pragma')).toBe('no-cache');
  });

  it('accepts a form body with client_secret_post, and HTTP Basic with form-urlencoded credentials (RFC 6749 §2.3.1)', async () => {
    const app = await createApp();
    const post = await h.request('POST', '/oauth/token', form({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }));
    expect(post.status).toBe(200);
    // "%61" is "a": the server must form-decode before comparing.
    const encodedId = `%61${app.clientId.slice(1)}`;
    const header = `Basic ${Buffer.from(`${encodedId}:${app.clientSecret}`).toString('base64')}`;
    const viaBasic = await h.request('POST', '/oauth/token', form({ grant_type: 'client_credentials' }, { authorization: header }));
    expect(viaBasic.status).toBe(200);
    expect(decodeJwt(viaBasic.json.access_token).sub).toBe(app.clientId);
    const jsonBasic = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(app.clientId, app.clientSecret) });
    expect(jsonBasic.status).toBe(200);
  });

  it('narrows to a requested subset of scopes, which the API then enforces', async () => {
    const app = await createApp('ObjectRead');
    const r = await clientCredentials(app, 'apps:read  members:read apps:read');
    expect(r.status).toBe(200);
    expect(r.json.scope).toBe('apps:read members:read');
    expect(decodeJwt(r.json.access_token).scope).toBe('apps:read members:read');
    expect((await h.request('GET', `/workspaces/${ws}/members`, { token: r.json.access_token })).status).toBe(200);
    const outside = await h.request('GET', `/workspaces/${ws}/integrations`, { token: r.json.access_token });
    expect(outside.status).toBe(403);
    expect(outside.json.error.code).toBe('forbidden');
  });

  it('gives every bad request its RFC 6749 §5.2 error and issues nothing', async () => {
    const app = await createApp('ObjectRead');
    const other = await createApp('ObjectRead');
    const otherSession = await clientCredentials(other);
    const creds = { client_id: app.clientId, client_secret: app.clientSecret };
    const cases: [string, () => Promise<TestResponse>, number, string][] = [
      ['missing grant_type', () => tokenRequest(creds), 400, 'invalid_request'],
      ['empty body', () => h.request('POST', '/oauth/token', { headers: { 'content-type': 'application/json' } }), 400, 'invalid_request'],
      ['unknown grant type', () => tokenRequest({ grant_type: 'password', username: 'a', password: 'b', ...creds }), 400, 'unsupported_grant_type'],
      ['device_code grant', () => tokenRequest({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'x', ...creds }), 400, 'unsupported_grant_type'],
      // Hand-off codes go to public clients (PKCE); an application user's secret has no place there.
      ['authorization_code grant with an app secret', () => tokenRequest({ grant_type: 'authorization_code', code: 'x', ...creds }), 401, 'invalid_client'],
      ['malformed JSON', () => h.request('POST', '/oauth/token', { rawBody: '{"grant_type": "client_credentials",', headers: { 'content-type': 'application/json' } }), 400, 'invalid_request'],
      ['wrong content type', () => h.request('POST', '/oauth/token', { rawBody: 'grant_type=client_credentials', headers: { 'content-type': 'text/plain' } }), 400, 'invalid_request'],
      ['non-string parameter', () => tokenRequest({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: 12345 }), 400, 'invalid_request'],
      ['repeated form parameter', () => h.request('POST', '/oauth/token', {
        rawBody: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=members:read&scope=apps:read`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }), 400, 'invalid_request'],
      ['no client authentication', () => tokenRequest({ grant_type: 'client_credentials' }), 401, 'invalid_client'],
      ['client_id without secret', () => tokenRequest({ grant_type: 'client_credentials', client_id: app.clientId }), 401, 'invalid_client'],
      ['secret without client_id', () => tokenRequest({ grant_type: 'client_credentials', client_secret: app.clientSecret }), 400, 'invalid_request'],
      ['both Basic and body secret', () => tokenRequest({ grant_type: 'client_credentials', ...creds }, { authorization: basic(app.clientId, app.clientSecret) }), 400, 'invalid_request'],
      ['Basic and a different body client_id', () => tokenRequest({ grant_type: 'client_credentials', client_id: other.clientId }, { authorization: basic(app.clientId, app.clientSecret) }), 400, 'invalid_request'],
      ['unknown client (well-formed id)', () => tokenRequest({ grant_type: 'client_credentials', client_id: 'app_01JZZZZZZZZZZZZZZZZZZZZZZZ', client_secret: app.clientSecret }), 401, 'invalid_client'],
      ['unknown client (foreign id format)', () => tokenRequest({ grant_type: 'client_credentials', client_id: 'WS-ApplicationUser_ahFzfnZtd2FyZS1iaWc', client_secret: 'cd3a1eaa3f5144a8a8494b2af1ef8b72e' }), 401, 'invalid_client'],
      ['wrong secret', () => tokenRequest({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: other.clientSecret }), 401, 'invalid_client'],
      ['scope outside the allowed set', () => clientCredentials(app, 'members:read members:write'), 400, 'invalid_scope'],
      ['unknown scope', () => clientCredentials(app, 'admin'), 400, 'invalid_scope'],
      ['refresh_token grant without the token', () => tokenRequest({ grant_type: 'refresh_token', ...creds }), 400, 'invalid_request'],
      ['refresh token of another client', () => tokenRequest({ grant_type: 'refresh_token', refresh_token: otherSession.json.refresh_token, ...creds }), 400, 'invalid_grant'],
      ['app refresh token without client authentication', () => tokenRequest({ grant_type: 'refresh_token', refresh_token: otherSession.json.refresh_token }), 401, 'invalid_client'],
      ['unknown refresh token', () => tokenRequest({ grant_type: 'refresh_token', refresh_token: 'rrt_nope', ...creds }), 400, 'invalid_grant'],
    ];
    for (const [name, send, status, error] of cases) {
      const r = await send();
      expect(`${name}: ${r.status} ${r.json?.error}`).toBe(`${name}: ${status} ${error}`);
      expectOAuthError(r, status, error);
      expect(r.headers.get('www-authenticate')).toBeNull();
    }
    // The other client's refresh token survived the misuse above: it was never consumed or revoked.
    const stillGood = await tokenRequest({ grant_type: 'refresh_token', refresh_token: otherSession.json.refresh_token, client_id: other.clientId, client_secret: other.clientSecret });
    expect(stillGood.status).toBe(200);
  });

  it('answers a failed HTTP Basic authentication with 401 and a Basic challenge', async () => {
    const app = await createApp();
    const headers = [
      'Basic !!!not-base64!!!',
      `Basic ${Buffer.from('no-colon-here').toString('base64')}`,
      `Basic ${Buffer.from(`${app.clientId}:`).toString('base64')}`,
      `Basic ${Buffer.from(`${app.clientId}:%E0%A4%A`).toString('base64')}`,
      basic(app.clientId, 'rsk_wrong'),
      basic('app_01JZZZZZZZZZZZZZZZZZZZZZZZ', app.clientSecret),
      'Bearer some-token',
    ];
    for (const authorization of headers) {
      const r = await tokenRequest({ grant_type: 'client_credentials' }, { authorization });
      expectOAuthError(r, 401, 'invalid_client');
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm="roster"/);
    }
  });
});

describe('secret reset', () => {
  it('without a grace period, the old secret and its access tokens are rejected right away', async () => {
    const app = await createApp();
    const first = await clientCredentials(app);
    // The session is live before the reset: its access token works and its refresh token rotates.
    const session = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.json.refresh_token, client_id: app.clientId, client_secret: app.clientSecret });
    expect(session.status).toBe(200);
    expect((await h.request('GET', `/workspaces/${ws}`, { token: session.json.access_token })).status).toBe(200);
    const r = await reset(app);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['clientSecret']);
    expect(r.json.clientSecret).toMatch(/^rsk_[A-Za-z0-9_-]{43}$/);

    expectOAuthError(await clientCredentials(app), 401, 'invalid_client');
    expect((await h.request('GET', `/workspaces/${ws}`, { token: session.json.access_token })).status).toBe(401);
    const refresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: session.json.refresh_token, client_id: app.clientId, client_secret: r.json.clientSecret });
    expectOAuthError(refresh, 400, 'invalid_grant');

    const fresh = await accessToken({ clientId: app.clientId, clientSecret: r.json.clientSecret });
    expect(decodeJwt(fresh).gen).toBe(1);
    expect((await h.request('GET', `/workspaces/${ws}`, { token: fresh })).status).toBe(200);
  });

  it('with a grace period, both secrets work until it ends; then the old secret and every token issued under it stop', async () => {
    const app = await createApp();
    const before = await clientCredentials(app);
    const r = await reset(app, 300);
    expect(r.status).toBe(200);
    const next = { clientId: app.clientId, clientSecret: r.json.clientSecret };

    // The reset revoked the refresh tokens even though the old secret lives on.
    const refresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: before.json.refresh_token, client_id: app.clientId, client_secret: app.clientSecret });
    expectOAuthError(refresh, 400, 'invalid_grant');

    const oldSecretToken = await accessToken(app);
    const newSecretToken = await accessToken(next);
    expect(decodeJwt(oldSecretToken).gen).toBe(0);
    expect(decodeJwt(newSecretToken).gen).toBe(1);
    for (const token of [before.json.access_token, oldSecretToken, newSecretToken]) {
      expect((await h.request('GET', `/workspaces/${ws}`, { token })).status).toBe(200);
    }

    await advanceClock(h, 301);
    expectOAuthError(await clientCredentials(app), 401, 'invalid_client');
    for (const token of [before.json.access_token, oldSecretToken]) {
      expect((await h.request('GET', `/workspaces/${ws}`, { token })).status).toBe(401);
    }
    expect((await h.request('GET', `/workspaces/${ws}`, { token: newSecretToken })).status).toBe(200);
    expect((await clientCredentials(next)).status).toBe(200);
  });
});

describe('refresh tokens', () => {
  it('rotate on each use; reusing one revokes the whole family', async () => {
    const app = await createApp('ObjectLink');
    const creds = { client_id: app.clientId, client_secret: app.clientSecret };
    const s0 = await clientCredentials(app);
    const s1 = await tokenRequest({ grant_type: 'refresh_token', refresh_token: s0.json.refresh_token, ...creds });
    expect(s1.status).toBe(200);
    expect(s1.json.scope).toBe(s0.json.scope);
    expect(s1.headers.get('cache-control')).toBe('no-store');
    expect(s1.json.refresh_token).not.toBe(s0.json.refresh_token);

    expectOAuthError(await tokenRequest({ grant_type: 'refresh_token', refresh_token: s0.json.refresh_token, ...creds }), 400, 'invalid_grant');
    // The legitimately rotated token died with its family.
    expectOAuthError(await tokenRequest({ grant_type: 'refresh_token', refresh_token: s1.json.refresh_token, ...creds }), 400, 'invalid_grant');
    // Other families of the same client are untouched.
    expect((await clientCredentials(app)).status).toBe(200);
  });

  it('may narrow the scope on refresh, never widen it (RFC 6749 §6)', async () => {
    const app = await createApp('ObjectRead');
    const creds = { client_id: app.clientId, client_secret: app.clientSecret };
    const s0 = await clientCredentials(app, 'members:read integrations:read');
    expectOAuthError(await tokenRequest({ grant_type: 'refresh_token', refresh_token: s0.json.refresh_token, scope: 'apps:read', ...creds }), 400, 'invalid_scope');
    const narrowed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: s0.json.refresh_token, scope: 'members:read', ...creds });
    expect(narrowed.status).toBe(200);
    expect(narrowed.json.scope).toBe('members:read');
    // The family keeps its original grant.
    const next = await tokenRequest({ grant_type: 'refresh_token', refresh_token: narrowed.json.refresh_token, ...creds });
    expect(next.json.scope).toBe('members:read integrations:read');
  });
});

describe('POST /oauth/revoke (RFC 7009)', () => {
  it('answers 200 for unknown tokens and access tokens; revokes refresh-token families; checks the client', async () => {
    const app = await createApp();
    const other = await createApp();
    const creds = { client_id: app.clientId, client_secret: app.clientSecret };
    const revoke = (body: Record<string, unknown>, headers?: Record<string, string>) => h.request('POST', '/oauth/revoke', { body, headers });

    const unknown = await revoke({ token: 'rrt_unknown', ...creds });
    expect(unknown.status).toBe(200);
    expect(unknown.headers.get('cache-control')).toBe('no-store');
    expect((await revoke({ token: 'not-a-token-at-all' })).status).toBe(200);

    // A live refresh token: it rotates once before the revocations below are tried on it.
    const session = await tokenRequest({ grant_type: 'refresh_token', refresh_token: (await clientCredentials(app)).json.refresh_token, ...creds });
    expect(session.status).toBe(200);
    expectOAuthError(await revoke({ token: session.json.refresh_token }), 401, 'invalid_client');
    expectOAuthError(await revoke({ token: session.json.refresh_token, client_id: other.clientId, client_secret: other.clientSecret }), 400, 'invalid_grant');
    expectOAuthError(await revoke({ token: session.json.refresh_token, client_id: app.clientId, client_secret: 'rsk_wrong' }), 401, 'invalid_client');
    expectOAuthError(await revoke({ client_id: app.clientId, client_secret: app.clientSecret }), 400, 'invalid_request');

    const viaForm = await h.request('POST', '/oauth/revoke', form({ token: session.json.refresh_token, token_type_hint: 'refresh_token' }, { authorization: basic(app.clientId, app.clientSecret) }));
    expect(viaForm.status).toBe(200);
    expectOAuthError(await tokenRequest({ grant_type: 'refresh_token', refresh_token: session.json.refresh_token, ...creds }), 400, 'invalid_grant');
    // Revoking again is fine.
    expect((await revoke({ token: session.json.refresh_token, ...creds })).status).toBe(200);

    // Access tokens are self-contained: revocation answers 200 and the token lives out its (short) life.
    const access = await clientCredentials(app);
    expect((await h.request('GET', `/workspaces/${ws}`, { token: access.json.access_token })).status).toBe(200);
    expect((await revoke({ token: access.json.access_token, token_type_hint: 'access_token', ...creds })).status).toBe(200);
    expect((await h.request('GET', `/workspaces/${ws}`, { token: access.json.access_token })).status).toBe(200);
  });

  it('a person may revoke their own refresh token without client authentication', async () => {
    const person = await signIn(h, uniqueEmail('revoker'));
    const live = await tokenRequest({ grant_type: 'refresh_token', refresh_token: person.refreshToken });
    expect(live.status).toBe(200);
    const r = await h.request('POST', '/oauth/revoke', { body: { token: live.json.refresh_token } });
    expect(r.status).toBe(200);
    expectOAuthError(await tokenRequest({ grant_type: 'refresh_token', refresh_token: live.json.refresh_token }), 400, 'invalid_grant');
  });
});

describe('application tokens are confined to their workspace, their scopes, and non-human routes', () => {
  it('another workspace does not exist for an app token', async () => {
    const app = await createApp('ObjectRead');
    const token = await accessToken(app);
    const stranger = await signIn(h, uniqueEmail('stranger'));
    const ws2 = await createWorkspace(h, stranger, 'Elsewhere');
    for (const path of [`/workspaces/${ws2}`, `/workspaces/${ws2}/members`, `/workspaces/${ws2}/integrations`, `/workspaces/${ws2}/apps`, `/workspaces/${ws2}/members/${stranger.userId}`]) {
      const r = await h.request('GET', path, { token });
      expect(`${path}: ${r.status}`).toBe(`${path}: 404`);
    }
  });

  it('human-only routes answer 403 human_only', async () => {
    const app = await createApp('MembersManage');
    const token = await accessToken(app);
    for (const [method, path, body] of [
      ['POST', '/workspaces', { name: 'Bot Co' }],
      ['GET', '/me', undefined],
      ['PATCH', '/me', { fullName: 'Robot' }],
      ['POST', `/workspaces/${ws}/ownership-transfer`, { userId: owner.userId }],
      ['POST', `/workspaces/${ws}/apps/slack/authorize`, undefined],
    ] as const) {
      const r = await h.request(method, path, { token, body });
      expect(`${method} ${path}: ${r.status} ${r.json?.error?.code}`).toBe(`${method} ${path}: 403 human_only`);
    }
  });

  it('representative routes of members, invitations, integrations and apps follow the access type', async () => {
    const reader = await accessToken(await createApp('ObjectRead'));
    const manager = await accessToken(await createApp('MembersManage'));
    const expectations: [string, string, string, number][] = [
      [reader, 'GET', `/workspaces/${ws}/members`, 200],
      [reader, 'GET', `/workspaces/${ws}/integrations`, 200],
      [reader, 'GET', `/workspaces/${ws}/apps`, 200],
      [reader, 'GET', `/workspaces/${ws}/invitations`, 403],
      [reader, 'POST', `/workspaces/${ws}/members/${owner.userId}/suspend`, 403],
      [manager, 'GET', `/workspaces/${ws}/members`, 200],
      [manager, 'GET', `/workspaces/${ws}/invitations`, 200],
      [manager, 'GET', `/workspaces/${ws}/integrations`, 403],
      [manager, 'GET', `/workspaces/${ws}/apps`, 403],
      [manager, 'GET', `/workspaces/${ws}/audit-events`, 403],
    ];
    for (const [token, method, path, status] of expectations) {
      const r = await h.request(method, path, { token });
      expect(`${token === reader ? 'reader' : 'manager'} ${method} ${path}: ${r.status}`).toBe(`${token === reader ? 'reader' : 'manager'} ${method} ${path}: ${status}`);
    }
    const invited = await h.request('POST', `/workspaces/${ws}/invitations`, { token: reader, body: { emails: [uniqueEmail('nope')] } });
    expect(invited.status).toBe(403);
  });
});

/** A token request from another loopback address, standing in for another source IP. */
function tokenRequestFrom(localAddress: string, body: Record<string, unknown>): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${h.url}/oauth/token`, {
      method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)); });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('failed client authentications are throttled per (client id, source); the right secret always works', () => {
  it('answers 429 to failures past the limit, never to the right secret, however long the flood lasts', async () => {
    // Start at the beginning of a fixed window so each burst falls inside one.
    await advanceClock(h, 60 - (clock.nowEpochSeconds() % 60));
    const app = await createApp();
    const guess = { grant_type: 'client_credentials', client_id: app.clientId, client_secret: 'rsk_guess' };
    const wrong = () => tokenRequest(guess);

    for (let i = 0; i < 10; i++) expectOAuthError(await wrong(), 401, 'invalid_client');
    const throttled = await wrong();
    expectOAuthError(throttled, 429, 'slow_down');
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    for (let i = 11; i < 105; i++) expect((await wrong()).status).toBe(429);
    // 105 failures from this very source in this window: the right secret still gets its token…
    expect((await clientCredentials(app)).status).toBe(200);
    // …by HTTP Basic too,…
    expect((await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(app.clientId, app.clientSecret) })).status).toBe(200);
    // …and another source's failures are counted apart.
    expect(await tokenRequestFrom('127.0.0.2', guess)).toBe(401);

    // The flood goes on into the next window: still no lockout.
    await advanceClock(h, 61);
    for (let i = 0; i < 10; i++) await wrong();
    expectOAuthError(await wrong(), 429, 'slow_down');
    expect((await clientCredentials(app)).status).toBe(200);
    expect((await clientCredentials(await createApp())).status).toBe(200);
  });

  it('throttles unknown client ids the same way', async () => {
    const id = 'app_01JYYYYYYYYYYYYYYYYYYYYYYY';
    const send = () => tokenRequest({ grant_type: 'client_credentials', client_id: id, client_secret: 'rsk_guess' });
    await advanceClock(h, 60 - (clock.nowEpochSeconds() % 60));
    for (let i = 0; i < 10; i++) expect((await send()).status).toBe(401);
    expectOAuthError(await send(), 429, 'slow_down');
  });
});
