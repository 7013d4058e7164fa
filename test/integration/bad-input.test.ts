/**
 * Malformed and hostile input: always the contract's 4xx shape, never a 5xx, and
 * nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair, UnsecuredJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { signIn, createWorkspace, type Person } from '../support/given.js';
import { advanceClock, resetClock } from '../support/clock.js';
import { routes, type RouteDef } from '../../shared/http/routes.js';

let h: Harness;
let owner: Person;
let ws: string;

beforeAll(async () => {
  h = await startHarness();
  owner = await signIn(h, uniqueEmail('owner'));
  ws = await createWorkspace(h, owner, 'Guarded');
});
afterAll(async () => { await h.runtime.stop(); });

const expectError = (r: { status: number; json: { error?: { code?: string; message?: string } } }, status: number, code?: string) => {
  expect(r.status).toBe(status);
  expect(r.json.error?.message).toEqual(expect.any(String));
  if (code) expect(r.json.error?.code).toBe(code);
};

async function workspaceCount(): Promise<number> {
  return (await h.request('GET', '/me', { token: owner.token })).json.workspaces.length;
}

describe('request bodies', () => {
  it('malformed JSON → 400 malformed_json, nothing created', async () => {
    const before = await workspaceCount();
    const r = await h.request('POST', '/workspaces', { token: owner.token, rawBody: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    expectError(r, 400, 'malformed_json');
    expect(await workspaceCount()).toBe(before);
  });

  it('wrong types and missing fields → 400 with details.fields', async () => {
    const wrong = await h.request('POST', '/workspaces', { token: owner.token, body: { name: 123, seats: 'ten' } });
    expectError(wrong, 400, 'validation_failed');
    expect(Object.keys(wrong.json.error.details.fields)).toEqual(expect.arrayContaining(['name', 'seats']));
    const missing = await h.request('POST', '/auth/email-link', { body: {} });
    expectError(missing, 400, 'validation_failed');
    expect(missing.json.error.details.fields.email).toEqual(expect.any(String));
    const notObject = await h.request('POST', '/workspaces', { token: owner.token, body: ['a'] });
    expectError(notObject, 400);
    const extra = await h.request('POST', '/workspaces', { token: owner.token, body: { name: 'x', ownerId: 'usr_evil' } });
    expectError(extra, 400);
    const noBody = await h.request('POST', '/workspaces', { token: owner.token });
    expectError(noBody, 400);
  });

  it('a 1 MB body → 413 payload_too_large, nothing created', async () => {
    const before = await workspaceCount();
    const r = await h.request('POST', '/workspaces', { token: owner.token, body: { name: 'x'.repeat(1024 * 1024) } });
    expectError(r, 413, 'payload_too_large');
    expect(await workspaceCount()).toBe(before);
  });

  it('a non-JSON content type → 415', async () => {
    const r = await h.request('POST', '/workspaces', { token: owner.token, rawBody: 'name=x', headers: { 'content-type': 'text/plain' } });
    expectError(r, 415);
  });

  it('bad query strings → 400', async () => {
    expectError(await h.request('GET', `/workspaces/${ws}/audit-events?limit=0`, { token: owner.token }), 400);
    expectError(await h.request('GET', `/workspaces/${ws}/audit-events?limit=abc`, { token: owner.token }), 400);
    expectError(await h.request('GET', `/workspaces/${ws}/audit-events?cursor=garbage`, { token: owner.token }), 400, 'invalid_cursor');
  });

  it('a cursor from another workspace, or edited, is invalid_cursor', async () => {
    const other = await createWorkspace(h, owner, 'Other');
    await h.request('PUT', `/workspaces/${other}/subscription`, { token: owner.token, body: { seats: 4 } });
    const page = await h.request('GET', `/workspaces/${other}/audit-events?limit=1`, { token: owner.token });
    const cursor: string = page.json.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    expectError(await h.request('GET', `/workspaces/${ws}/audit-events?cursor=${cursor}`, { token: owner.token }), 400, 'invalid_cursor');
    const tampered = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'BB' : 'AA'}`;
    expectError(await h.request('GET', `/workspaces/${other}/audit-events?cursor=${tampered}`, { token: owner.token }), 400, 'invalid_cursor');
  });

  it('unknown routes and methods → 404 in the contract shape', async () => {
    expectError(await h.request('GET', '/nope'), 404, 'not_found');
    expectError(await h.request('DELETE', '/health'), 404, 'not_found');
    expectError(await h.request('GET', '/workspaces/ws_nope', { token: owner.token }), 404, 'not_found');
  });
});

describe('tokens', () => {
  const get = (token: string | undefined, raw?: string) =>
    h.request('GET', `/workspaces/${ws}`, raw !== undefined ? { headers: { authorization: raw } } : { token });

  it('no token, a malformed header, or garbage → 401 unauthenticated', async () => {
    expectError(await get(undefined), 401, 'unauthenticated');
    expectError(await get(undefined, 'Basic dXNlcjpwYXNz'), 401, 'unauthenticated');
    expectError(await get('garbage'), 401, 'unauthenticated');
    expectError(await get('a.b.c'), 401, 'unauthenticated');
  });

  it('an expired token → 401, and the same token works again once the clock is back', async () => {
    const p = await signIn(h, uniqueEmail('expiring'));
    const wsP = await createWorkspace(h, p, 'Mine');
    expect((await h.request('GET', `/workspaces/${wsP}`, { token: p.token })).status).toBe(200);
    await advanceClock(h, 16 * 60);
    expectError(await h.request('GET', `/workspaces/${wsP}`, { token: p.token }), 401, 'unauthenticated');
    // Expiry, and nothing else, refused it: back at the issuing time it is accepted.
    await resetClock(h);
    expect((await h.request('GET', `/workspaces/${wsP}`, { token: p.token })).status).toBe(200);
  });

  it('a forged payload, alg none, another key, or HS256 with the public key → 401', async () => {
    // The genuine token is accepted, so each 401 below is for the forgery (its claims, expiry included, are the genuine ones).
    expect((await get(owner.token)).status).toBe(200);
    const [header, , signature] = owner.token.split('.');
    const claims = decodeJwt(owner.token);
    const evilClaims = { ...claims, sub: 'usr_01JEVIL00000000000000000000' };
    const forgedPayload = Buffer.from(JSON.stringify(evilClaims)).toString('base64url');
    expectError(await get(`${header}.${forgedPayload}.${signature}`), 401);

    const none = new UnsecuredJWT(claims).encode();
    expectError(await get(none), 401);
    const noneTyped = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expectError(await get(noneTyped), 401);

    const { kid } = decodeProtectedHeader(owner.token);
    const { privateKey } = await generateKeyPair('ES256');
    const otherKey = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' }).sign(privateKey);
    expectError(await get(otherKey), 401);

    const jwks = (await h.request('GET', '/.well-known/jwks.json')).json;
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
    expectError(await get(hs), 401);
    expect((await get(owner.token)).status).toBe(200);
  });
});

describe('no route answers 5xx to junk', () => {
  const junkBodies: (string | undefined)[] = [undefined, '', 'null', '[]', '"x"', '{"a":', '{}', '{"emails":[1,2],"role":{}}', '\u0000', '{"name":"' + 'é'.repeat(300) + '"}'];

  it('every route × junk body × (no token | valid token) is < 500; the valid token is never refused', async () => {
    expect((await h.request('GET', '/me', { token: owner.token })).status).toBe(200);
    const failures: string[] = [];
    let reachedPastAuth = 0;
    for (const r of routes as readonly RouteDef[]) {
      const path = r.path.replace('{ws}', ws).replace(/\{(\w+)\}/g, 'x%2F..%00');
      for (const body of r.method === 'GET' ? [undefined] : junkBodies) {
        for (const token of [undefined, owner.token]) {
          const res = await h.request(r.method, path, {
            token, rawBody: body, headers: body === undefined ? {} : { 'content-type': 'application/json' },
          });
          const where = `${r.method} ${r.path} body=${JSON.stringify(body)?.slice(0, 20)} token=${token ? 'valid' : 'none'} → ${res.status}`;
          if (res.status >= 500) failures.push(where);
          // With the owner's token, a route that authenticates by bearer token must get past authentication.
          if (token && (r.auth === 'user' || r.auth === 'any')) {
            if (res.status === 401) failures.push(where);
            else reachedPastAuth++;
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(reachedPastAuth).toBeGreaterThan(100);
    expect((await h.request('GET', '/me', { token: owner.token })).status).toBe(200);
  }, 120_000);
});
