/**
 * `GET /workspaces/{ws}/apps/{appId}/users?status=&limit=&cursor=` (API.md, Marketplace apps):
 * an installation's people a page at a time, with the same standing rules as the
 * installation itself (active members only; "all" includes later joiners; authorized or
 * pending), a cursor good only for this list, and a bounded read per page whatever the
 * workspace's size — counted on the real DynamoDB client against DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import * as given from '../support/given.js';
import type { Person } from '../support/given.js';
import { when, type Send } from '../support/when.js';
import { clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import { dynamodb } from '../../shared/data/client.js';
import { PAGE_READ_BUDGET } from '../../shared/data/core.js';
import { batchPutMembers, exampleMember } from '../../shared/data/members.js';

let h: Harness;
let send: Send;
beforeAll(async () => { h = await startHarness(); send = when(h); });
afterAll(async () => { await h.runtime.stop(); });

const reads = { items: 0 };
let counting = false;
dynamodb.middlewareStack.add((next) => async (args) => {
  const result = await next(args);
  if (counting) {
    const out = result.output as { ScannedCount?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
    reads.items += out.ScannedCount ?? (out.Item ? 1 : 0) + Object.values(out.Responses ?? {}).reduce((n, l) => n + l.length, 0);
  }
  return result;
}, { step: 'initialize', name: 'testInstallationUserReads' });

type Row = { userId: string; status: string; addedAt: string; authorizedAt?: string };

/** Every page of the list, following cursors; returns the rows and the pages' sizes. */
async function allPages(path: string, token: string, limit: number): Promise<{ rows: Row[]; pages: number[] }> {
  const rows: Row[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await send('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    expect(r.status, r.text).toBe(200);
    rows.push(...r.json.items);
    pages.push(r.json.items.length);
    cursor = r.json.nextCursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  return { rows, pages };
}

describe('installation users, paged', () => {
  it('an "all" install: every active member, pending until they authorize, filtered by status, in pages', async () => {
    const t = await given.team(h, { seats: 50 });
    const people = await Promise.all(Array.from({ length: 5 }, (_, i) => given.signedInMember(h, t.ws, { fullName: `P${i}` })));
    const [authorizer, suspended, ...pendingOnes] = people as [Person, Person, ...Person[]];
    expect((await send('POST', `/workspaces/${t.ws}/apps/mailbridge/install`, { token: t.owner.token, body: { audience: 'all', acceptPermissions: true } })).status).toBe(201);
    expect((await send('POST', `/workspaces/${t.ws}/apps/mailbridge/authorize`, { token: authorizer.token })).status).toBe(200);
    expect((await send('POST', `/workspaces/${t.ws}/members/${suspended.userId}/suspend`, { token: t.owner.token })).status).toBe(200);
    // A member who joins after the install is added too.
    const late = await given.signedInMember(h, t.ws, { fullName: 'Late Joiner' });

    const path = `/workspaces/${t.ws}/apps/mailbridge/users`;
    const { rows, pages } = await allPages(path, t.admin.token, 2);
    expect(pages.every((n) => n <= 2)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    const byUser = Object.fromEntries(rows.map((r) => [r.userId, r.status]));
    expect(byUser).toEqual({
      [t.owner.userId]: 'authorized',
      [authorizer.userId]: 'authorized',
      [t.admin.userId]: 'pending',
      [late.userId]: 'pending',
      ...Object.fromEntries(pendingOnes.map((p) => [p.userId, 'pending'])),
    });
    expect(rows.find((r) => r.userId === authorizer.userId)!.authorizedAt).toEqual(expect.any(String));

    const authorized = await allPages(`${path}?status=authorized`, t.admin.token, 1);
    expect(authorized.rows.map((r) => r.userId).sort()).toEqual([t.owner.userId, authorizer.userId].sort());
    const pending = await allPages(`${path}?status=pending`, t.admin.token, 100);
    expect(pending.rows.every((r) => r.status === 'pending')).toBe(true);
    expect(pending.rows).toHaveLength(pendingOnes.length + 2);
  });

  it('a "specific" install lists its people, drops one who left, and refuses a cursor from another list', async () => {
    const t = await given.team(h, { seats: 50 });
    const [a, b] = await Promise.all([given.signedInMember(h, t.ws), given.signedInMember(h, t.ws)]);
    const installed = await send('POST', `/workspaces/${t.ws}/apps/mailbridge/install`, {
      token: t.owner.token, body: { audience: 'specific', users: [a!.userId, b!.userId], acceptPermissions: true },
    });
    expect(installed.status, installed.text).toBe(201);
    const path = `/workspaces/${t.ws}/apps/mailbridge/users`;
    const before = await allPages(path, a!.token, 1);
    expect(before.rows.map((r) => r.userId).sort()).toEqual([t.owner.userId, a!.userId, b!.userId].sort());

    expect((await send('DELETE', `/workspaces/${t.ws}/members/${b!.userId}`, { token: t.owner.token })).status).toBe(200);
    const after = await allPages(path, a!.token, 100);
    expect(after.rows.map((r) => r.userId).sort()).toEqual([t.owner.userId, a!.userId].sort());

    const members = await send('GET', `/workspaces/${t.ws}/members?limit=1`, { token: t.owner.token });
    expect(members.json.nextCursor).toEqual(expect.any(String));
    const foreign = await send('GET', `${path}?limit=1&cursor=${encodeURIComponent(members.json.nextCursor)}`, { token: t.owner.token });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.code).toBe('invalid_cursor');
    expect((await send('GET', `/workspaces/${t.ws}/apps/chatpulse/users`, { token: t.owner.token })).status).toBe(404);
  });

  it('one page reads a bounded amount, the same at 600 and 1,500 members, and answers early with a cursor', async () => {
    const sized = async (size: number) => {
      const owner = await given.signIn(h, `owner.${newId('usr').toLowerCase()}@example.com`);
      const ws = await given.createWorkspace(h, owner, `Big ${size}`, 1_000_000);
      const now = clock.nowIso();
      await batchPutMembers(Array.from({ length: size }, (_, k) => {
        const userId = newId('usr');
        return exampleMember({ workspaceId: ws, userId, email: `${userId.toLowerCase()}@example.com`, fullName: `M${k}`, role: 'contributor', joinedAt: now, updatedAt: now });
      }));
      expect((await send('POST', `/workspaces/${ws}/apps/mailbridge/install`, { token: owner.token, body: { audience: 'all', acceptPermissions: true } })).status).toBe(201);
      return { ws, owner };
    };
    const measure = async (w: { ws: string; owner: Person }) => {
      // Only the installer is authorized: the filter matches one member of the whole workspace.
      const path = `/workspaces/${w.ws}/apps/mailbridge/users?status=authorized&limit=2`;
      await send('GET', path, { token: w.owner.token }); // warm the caller's authorization caches
      reads.items = 0;
      counting = true;
      try {
        return { r: await send('GET', path, { token: w.owner.token }), items: reads.items };
      } finally {
        counting = false;
      }
    };
    const small = await measure(await sized(600));
    const large = await measure(await sized(1_500));
    for (const m of [small, large]) {
      expect(m.r.status).toBe(200);
      expect(m.r.json.items).toHaveLength(1);
      expect(m.r.json.nextCursor).toEqual(expect.any(String));
      // A budget of members and, at most, one assignment lookup for each of them, plus authorization.
      expect(m.items).toBeLessThanOrEqual(2 * PAGE_READ_BUDGET + 5);
    }
    expect(large.items).toBe(small.items);
  }, 180_000);
});
