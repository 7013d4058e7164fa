/**
 * Bounded work (API.md "Conventions"): a filtered list reads at most
 * PAGE_READ_BUDGET items per request whatever the workspace size, answering early
 * with a cursor; following the cursors still finds every match. Items read are
 * counted by a middleware on the real DynamoDB client (ScannedCount of each Query,
 * items returned by each Get/BatchGet), against DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import * as given from '../support/given.js';
import type { Person } from '../support/given.js';
import { clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import { dynamodb } from '../../shared/data/client.js';
import { PAGE_READ_BUDGET, transact } from '../../shared/data/core.js';
import { batchPutMembers, exampleMember } from '../../shared/data/members.js';
import { exampleIntegration, putIntegrationPart } from '../../shared/data/integrations.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

/** DynamoDB work of the requests made inside `measure`. */
const reads = { calls: 0, items: 0 };
let counting = false;
dynamodb.middlewareStack.add((next) => async (args) => {
  const result = await next(args);
  if (counting) {
    const out = result.output as { ScannedCount?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
    reads.calls += 1;
    reads.items += out.ScannedCount ?? (out.Item ? 1 : 0) + Object.values(out.Responses ?? {}).reduce((n, l) => n + l.length, 0);
  }
  return result;
}, { step: 'initialize', name: 'testItemsRead' });

async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; calls: number; items: number }> {
  reads.calls = 0;
  reads.items = 0;
  counting = true;
  try {
    const result = await fn();
    return { result, calls: reads.calls, items: reads.items };
  } finally {
    counting = false;
  }
}

/** A workspace whose owner holds a token, with `size` contributors bulk-loaded (and `rare` members of a rare custom role among them). */
async function workspaceOf(size: number, rareEvery?: number): Promise<{ ws: string; owner: Person; rare: string[] }> {
  const owner = await given.signIn(h, `owner.${newId('usr').toLowerCase()}@example.com`);
  const ws = await given.createWorkspace(h, owner, `Big ${size}`, 1_000_000);
  const now = clock.nowIso();
  const rare: string[] = [];
  const members = Array.from({ length: size }, (_, k) => {
    const userId = newId('usr');
    const isRare = rareEvery !== undefined && k % rareEvery === rareEvery - 1;
    if (isRare) rare.push(userId);
    return exampleMember({ workspaceId: ws, userId, email: `${userId.toLowerCase()}@example.com`, fullName: `Member ${k}`, role: isRare ? 'reader' : 'contributor', joinedAt: now, updatedAt: now });
  });
  await batchPutMembers(members);
  return { ws, owner, rare };
}

const PER_REQUEST_OVERHEAD = 5; // the caller's membership, role and workspace reads of authorization

describe('filtered member lists read a bounded amount', () => {
  it('?role=<nobody holds it>&limit=1 reads at most PAGE_READ_BUDGET items, the same at 600 and 1,500 members, and answers early with a cursor', async () => {
    const small = await workspaceOf(600);
    const large = await workspaceOf(1_500);
    const run = (w: { ws: string; owner: Person }) =>
      measure(() => h.request('GET', `/workspaces/${w.ws}/members?role=admin&limit=1`, { token: w.owner.token }));
    // Warm each caller first: authorization caches (the session check, 30 s) would
    // otherwise add a read to one measurement and not the other.
    await run(small);
    const a = await run(small);
    await run(large);
    const b = await run(large);
    for (const m of [a, b]) {
      expect(m.result.status).toBe(200);
      expect(m.result.json.items).toEqual([]);
      expect(m.result.json.nextCursor).toEqual(expect.any(String));
      expect(m.items).toBeLessThanOrEqual(PAGE_READ_BUDGET + PER_REQUEST_OVERHEAD);
      expect(m.calls).toBeLessThanOrEqual(16);
    }
    expect(b.items).toBe(a.items);
    expect(b.calls).toBe(a.calls);
  }, 120_000);

  it('following the cursors finds every holder of a rare role, each page bounded; an unfiltered page reads only what it returns', async () => {
    const w = await workspaceOf(1_200, 300);
    expect(w.rare).toHaveLength(4);
    const found: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = `role=reader&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const m = await measure(() => h.request('GET', `/workspaces/${w.ws}/members?${qs}`, { token: w.owner.token }));
      expect(m.result.status).toBe(200);
      expect(m.items).toBeLessThanOrEqual(PAGE_READ_BUDGET + PER_REQUEST_OVERHEAD);
      found.push(...m.result.json.items.map((i: { userId: string; role: string }) => { expect(i.role).toBe('reader'); return i.userId; }));
      cursor = m.result.json.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(20);
    } while (cursor);
    expect(found.sort()).toEqual([...w.rare].sort());

    const plain = await measure(() => h.request('GET', `/workspaces/${w.ws}/members?limit=10`, { token: w.owner.token }));
    expect(plain.result.json.items).toHaveLength(10);
    expect(plain.items).toBeLessThanOrEqual(10 + PER_REQUEST_OVERHEAD);
  }, 120_000);
});

describe('integration lists read a bounded amount', () => {
  it('integrations.manage_all listing past many orphaned integrations stops at the budget with a cursor', async () => {
    const owner = await given.signIn(h, `owner.${newId('usr').toLowerCase()}@example.com`);
    const ws = await given.createWorkspace(h, owner, 'Orphans', 10);
    const parts = Array.from({ length: 700 }, () => putIntegrationPart(exampleIntegration({ id: newId('int'), workspaceId: ws, status: 'orphaned', owners: [], users: [] })));
    for (let k = 0; k < parts.length; k += 100) await transact(parts.slice(k, k + 100));
    const m = await measure(() => h.request('GET', `/workspaces/${ws}/integrations?limit=5`, { token: owner.token }));
    expect(m.result.status).toBe(200);
    expect(m.result.json.items).toEqual([]);
    expect(m.result.json.nextCursor).toEqual(expect.any(String));
    expect(m.items).toBeLessThanOrEqual(PAGE_READ_BUDGET + PER_REQUEST_OVERHEAD);
  }, 120_000);
});
