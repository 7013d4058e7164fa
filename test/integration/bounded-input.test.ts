/**
 * Input that cannot name anything, and free-form JSON at its bounds (API.md
 * "Conventions"): path ids that cannot exist are 404 before any I/O, an
 * integration's `config` is bounded (8 KB, depth 5, finite numbers) and shown
 * only to its owners and to holders of `integrations.manage_all`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import * as given from '../support/given.js';
import type { Team } from '../support/given.js';
import { routes, type RouteDef } from '../../shared/http/routes.js';
import { getIntegration } from '../../shared/data/integrations.js';

let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startHarness();
  t = await given.team(h, { name: 'Bounded', seats: 20 });
});
afterAll(async () => { await h.runtime.stop(); });

const hostileIds = [
  '€'.repeat(400), // 1,200 bytes: past DynamoDB's 1,024-byte key limit, under any length cap on characters
  'x'.repeat(511),
  'ws_nope',
  'usr_01JEXAMPLE0000000000000000x',
  'usr_01jexample0000000000000000',
  'a b',
  '\u0000',
  'usr_01JEXAMPLE000000000000000\u00e9',
];

describe('path ids that cannot exist', () => {
  it('every route with a path id answers 404 not_found to ids of the wrong shape (ws valid, owner token)', async () => {
    const failures: string[] = [];
    for (const r of routes as readonly RouteDef[]) {
      const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((n) => n !== 'token');
      for (const name of names) {
        for (const id of hostileIds) {
          const path = r.path.replace(`{${name}}`, encodeURIComponent(id)).replace('{ws}', t.ws).replace(/\{(\w+)\}/g, 'x');
          const body = r.body && !r.bodyOptional ? {} : undefined;
          const res = await h.request(r.method, path, { token: t.owner.token, body });
          if (res.status !== 404 || res.json?.error?.code !== 'not_found') {
            failures.push(`${r.method} ${r.path} {${name}}=${JSON.stringify(id.slice(0, 12))} → ${res.status} ${res.json?.error?.code}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('a well-formed id that names nothing is still an ordinary 404 (the format check does not mask the lookup)', async () => {
    const r = await h.request('GET', `/workspaces/${t.ws}/members/usr_01JEXAMPLE0000000000000000`, { token: t.owner.token });
    expect(r.status).toBe(404);
    const self = await h.request('GET', `/workspaces/${t.ws}/members/${t.owner.userId}`, { token: t.owner.token });
    expect(self.status).toBe(200);
  });
});

describe('integration config: free-form JSON within bounds', () => {
  const base = () => `/workspaces/${t.ws}/integrations`;
  const deep = (levels: number): unknown => (levels === 0 ? 1 : { d: deep(levels - 1) });

  it('finite numbers at any magnitude, an empty key and prototype-named keys round-trip exactly', async () => {
    const raw = '{"name":"Edge numbers","config":{"big":1e20,"tiny":1e-200,"neg":-1.5e300,"":1,"__proto__":{"polluted":true},"constructor":"c","nested":{"a":[1,{"b":null}]}}}';
    const r = await h.request('POST', base(), { token: t.owner.token, rawBody: raw, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(201);
    const expected = JSON.parse(raw).config;
    expect(JSON.parse(r.text).config).toEqual(expected);
    const again = await h.request('GET', `${base()}/${r.json.id}`, { token: t.owner.token });
    expect(again.status).toBe(200);
    expect(JSON.stringify(JSON.parse(again.text).config)).toBe(JSON.stringify(expected));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('depth 5 and 8 KB are accepted; one past either, or a non-finite number, is 400 and writes nothing', async () => {
    const atDepth = await h.request('POST', base(), { token: t.owner.token, body: { name: 'Depth 5', config: deep(5) } });
    expect(atDepth.status).toBe(201);
    // {"s":"…"} is 8 bytes of wrapping.
    const atSize = await h.request('POST', base(), { token: t.owner.token, body: { name: '8 KB', config: { s: 'a'.repeat(8192 - 8) } } });
    expect(atSize.status).toBe(201);
    const before = await h.request('GET', `${base()}?limit=100`, { token: t.owner.token });

    const bad: [string, string][] = [
      ['depth 6', JSON.stringify({ name: 'x', config: deep(6) })],
      ['depth 40', JSON.stringify({ name: 'x', config: deep(40) })],
      ['8 KB + 1', JSON.stringify({ name: 'x', config: { s: 'a'.repeat(8192 - 7) } })],
      ['1e400', '{"name":"x","config":{"n":1e400}}'],
      ['-1e400 in an array', '{"name":"x","config":{"n":[1,-1e400]}}'],
      ['an array', '{"name":"x","config":[1,2]}'],
    ];
    for (const [what, rawBody] of bad) {
      const r = await h.request('POST', base(), { token: t.owner.token, rawBody, headers: { 'content-type': 'application/json' } });
      expect(r.status, what).toBe(400);
      expect(r.json.error.code, what).toBe('validation_failed');
      expect(r.json.error.details.fields.config, what).toEqual(expect.any(String));
      const edit = await h.request('PATCH', `${base()}/${atDepth.json.id}`, { token: t.owner.token, rawBody: rawBody.replace('"name":"x",', ''), headers: { 'content-type': 'application/json' } });
      expect(edit.status, `edit ${what}`).toBe(400);
    }
    const after = await h.request('GET', `${base()}?limit=100`, { token: t.owner.token });
    expect(after.json).toEqual(before.json);
    expect((await getIntegration(t.ws, atDepth.json.id, true))?.config).toEqual(deep(5));
  });

  it('edits with 1e20, 1e-200 and an empty key succeed and are stored as sent', async () => {
    const c = await h.request('POST', base(), { token: t.owner.token, body: { name: 'Editable' } });
    expect(c.status).toBe(201);
    const raw = '{"config":{"big":1e20,"tiny":1e-200,"":1}}';
    const r = await h.request('PATCH', `${base()}/${c.json.id}`, { token: t.owner.token, rawBody: raw, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    expect((await getIntegration(t.ws, c.json.id, true))?.config).toEqual({ big: 1e20, tiny: 1e-200, '': 1 });
  });

  it('config is shown to owners and integrations.manage_all, never to users of the integration', async () => {
    const owner = await given.signedInMember(h, t.ws, { role: 'contributor', fullName: 'Ona Owner' });
    const user = await given.signedInMember(h, t.ws, { role: 'contributor', fullName: 'Uma User' });
    const created = await h.request('POST', base(), { token: owner.token, body: { name: 'Secretful', config: { apiKey: 'sk_live_123' } } });
    expect(created.status).toBe(201);
    expect(created.json.config).toEqual({ apiKey: 'sk_live_123' });
    const id = created.json.id as string;
    const shared = await h.request('PUT', `${base()}/${id}/sharing`, { token: owner.token, body: { owners: [owner.userId], users: [user.userId], notify: false } });
    expect(shared.status).toBe(200);

    const asUser = await h.request('GET', `${base()}/${id}`, { token: user.token });
    expect(asUser.status).toBe(200);
    expect(asUser.json.users).toEqual([user.userId]);
    expect(asUser.json).not.toHaveProperty('config');
    const listed = await h.request('GET', base(), { token: user.token });
    expect(listed.json.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(listed.json.items[0]).not.toHaveProperty('config');
    expect(asUser.text).not.toContain('sk_live_123');

    for (const who of [owner, t.admin, t.owner]) {
      const r = await h.request('GET', `${base()}/${id}`, { token: who.token });
      expect(r.json.config).toEqual({ apiKey: 'sk_live_123' });
    }
  });
});
