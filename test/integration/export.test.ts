import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { signIn, createWorkspace, type Person } from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import { batchPutMembers, type Member } from '../../shared/data/members.js';
import { parseCsv } from '../support/csv-reader.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES, serialisedTextBytes } from '../../shared/lambda-limits.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

const HEADER = 'member_id,full_name,email,role,entry_date,status';


/** The response exactly as sent on the wire (fetch would decompress it). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${h.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function workspace(): Promise<{ owner: Person; ws: string }> {
  const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
  return { owner, ws: await createWorkspace(h, owner, 'Export Co', 1000) };
}

describe('members CSV export', () => {
  it('is an RFC 4180 attachment with the contract header, one row per non-removed member, formulas neutralised', async () => {
    const { owner, ws } = await workspace();
    const names = [
      'Lovelace, Ada',
      'Grace "Amazing" Hopper',
      'Line\nBreak',
      'Carriage\r\nReturn',
      '=HYPERLINK("http://evil.example","click")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      'Zoë Ünicode',
    ];
    const seeded = [];
    for (const fullName of names) seeded.push(await seedMember(ws, { fullName }));
    const suspended = await seedMember(ws, { status: 'suspended', fullName: 'Sus Pended' });
    const deactivated = await seedMember(ws, { status: 'deactivated', fullName: 'De Activated', role: 'reader' });
    const removed = await seedMember(ws, { fullName: 'Re Moved' });
    expect((await h.request('DELETE', `/workspaces/${ws}/members/${removed.userId}`, { token: owner.token })).status).toBe(200);

    const r = await h.request('GET', `/workspaces/${ws}/members/export`, { token: owner.token, headers: { 'accept-encoding': 'identity' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="members-${ws}.csv"`);
    expect(r.headers.get('content-encoding')).toBeNull();
    expect(r.text.startsWith(`${HEADER}\r\n`)).toBe(true);

    const [header, ...rows] = parseCsv(r.text);
    expect(header!.join(',')).toBe(HEADER);
    const byId = new Map(rows.map((row) => [row[0]!, row]));
    expect(byId.size).toBe(rows.length);
    expect([...byId.keys()].sort()).toEqual([owner.userId, ...seeded.map((s) => s.userId), suspended.userId, deactivated.userId].sort());
    expect(byId.has(removed.userId)).toBe(false);

    const nameOf = (userId: string) => byId.get(userId)![1];
    expect(seeded.map((s) => nameOf(s.userId))).toEqual([
      'Lovelace, Ada',
      'Grace "Amazing" Hopper',
      'Line\nBreak',
      'Carriage\r\nReturn',
      `'=HYPERLINK("http://evil.example","click")`,
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      'Zoë Ünicode',
    ]);
    expect(r.text).toContain('"Lovelace, Ada"');
    expect(r.text).toContain('"Grace ""Amazing"" Hopper"');
    expect(byId.get(deactivated.userId)).toEqual([deactivated.userId, 'De Activated', deactivated.email, 'reader', expect.any(String), 'deactivated']);
    expect(byId.get(suspended.userId)![5]).toBe('suspended');
    const ownerRow = byId.get(owner.userId)!;
    expect(ownerRow.slice(1, 4)).toEqual(['Olive Owner', owner.email, 'owner']);
    expect(new Date(ownerRow[4]!).toISOString()).toBe(ownerRow[4]);
  });

  it('is gzipped when the client accepts it, with the same CSV inside', async () => {
    const { owner, ws } = await workspace();
    for (let i = 0; i < 20; i++) await seedMember(ws, { fullName: `Person ${i}, Jr.` });
    const plain = await h.request('GET', `/workspaces/${ws}/members/export`, { token: owner.token, headers: { 'accept-encoding': 'identity' } });

    const gz = await rawGet(`/workspaces/${ws}/members/export`, { authorization: `Bearer ${owner.token}`, 'accept-encoding': 'br;q=1, gzip;q=0.8' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('accept-encoding');
    expect(gz.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(gz.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(gz.body).toString('utf8')).toBe(plain.text);

    const refused = await rawGet(`/workspaces/${ws}/members/export`, { authorization: `Bearer ${owner.token}`, 'accept-encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.toString('utf8')).toBe(plain.text);
  });

  it('reads every page of a workspace larger than one 1 MB query page', async () => {
    const { owner, ws } = await workspace();
    const now = clock.nowIso();
    // Long names make ~1 KB items, so 3,000 members span three query pages.
    const many: Member[] = Array.from({ length: 3000 }, (_, i) => ({
      workspaceId: ws, userId: newId('usr'), email: `bulk${i}@example.com`, fullName: `Bulk Member ${i} ${'x'.repeat(800)}`,
      role: 'contributor', status: i % 100 === 0 ? 'removed' : 'active', joinedAt: now, updatedAt: now, version: 0,
    }));
    await Promise.all([0, 1, 2, 3].map((k) => batchPutMembers(many.slice(k * 750, (k + 1) * 750))));
    const r = await h.request('GET', `/workspaces/${ws}/members/export`, { token: owner.token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-encoding')).toBe('gzip');
    const [, ...rows] = parseCsv(r.text);
    const ids = new Set(rows.map((row) => row[0]));
    expect(ids.size).toBe(rows.length);
    expect(rows.length).toBe(1 + 3000 - 30);
  }, 120_000);

  it('needs members.export: other roles get 403 and no file', async () => {
    const { owner, ws } = await workspace();
    const p = await signIn(h, uniqueEmail('integrator'));
    await seedMember(ws, { userId: p.userId, email: p.email, role: 'integrator' });
    const r = await h.request('GET', `/workspaces/${ws}/members/export`, { token: p.token });
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect((await h.request('GET', `/workspaces/${ws}/members/export`, { token: owner.token })).status).toBe(200);
  });
});

/**
 * The size limit is Lambda's, counted where Lambda counts it: on the JSON document the
 * function returns. A CSV well under 6 MB can serialise to more (a control character is
 * `\u0001` there); before the fix such an export passed the raw-byte check and Lambda
 * refused the response (local mode answers that as API Gateway does: 500).
 */
describe('members CSV export size', () => {
  /** The raw-byte limit the export used to check. */
  const OLD_RAW_LIMIT = 6 * 1024 * 1024 - 32 * 1024;

  it('a CSV under 6 MB that serialises past Lambda\'s limit answers 406 gzip_required, never 5xx; gzipped it is a 200', async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Escapes Co', 10_000);
    const now = clock.nowIso();
    // Full names are any 1–200 characters (shared/http/schemas.ts), control characters included:
    // each is 1 byte of CSV and 6 in the response (`\u0001`).
    const fullName = '\u0001'.repeat(200);
    const many: Member[] = Array.from({ length: 5000 }, (_, i) => ({
      workspaceId: ws, userId: newId('usr'), email: `esc${i}@example.com`, fullName,
      role: 'contributor', status: 'active', joinedAt: now, updatedAt: now, version: 0,
    }));
    await Promise.all([0, 1, 2, 3].map((k) => batchPutMembers(many.slice(k * 1250, (k + 1) * 1250))));

    const gz = await rawGet(`/workspaces/${ws}/members/export`, { authorization: `Bearer ${owner.token}`, 'accept-encoding': 'gzip' });
    expect(gz.status).toBe(200);
    const csv = gunzipSync(gz.body).toString('utf8');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + 1 + 5000);
    // Preconditions: the raw CSV passes the old check by a wide margin; serialised, it is over Lambda's limit.
    const rawBytes = Buffer.byteLength(csv);
    expect(rawBytes).toBeLessThan(OLD_RAW_LIMIT / 4);
    expect(serialisedTextBytes(csv)).toBeGreaterThan(LAMBDA_RESPONSE_LIMIT_BYTES);

    const plain = await h.request('GET', `/workspaces/${ws}/members/export`, { token: owner.token, headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(406);
    expect(plain.json).toMatchObject({ error: { code: 'gzip_required' } });
  }, 180_000);
});
