/**
 * Seat reconciliation cost follows the change, not the size:
 *  (a) one workspace of 100,000 members, limit lowered by 10;
 *  (b) the same with 1,000 members — capacity and time should match (a);
 *  (c) 1,000 workspaces of which 5 are over their limit — the job reads only those 5.
 * The job's domain function runs in this process so every DynamoDB call it makes
 * is metered (consumed RCU/WCU) and the items it reads are counted by kind.
 */
import { benchContext, percentile, round } from '../context.js';

const MEMBERS_LARGE = Number(process.env.BENCH_LICENSES_MEMBERS ?? 100_000);
const LOWERED_BY = 10;
const ctx = await benchContext('licenses');

// Imported after benchContext(): the service modules read their configuration at load.
const { dynamodb, db, tableName } = await import('../../shared/data/client.js');
const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
const { startCapacityMeter } = await import('../../shared/data/capacity-meter.js');
const { putMemberPart } = await import('../../shared/data/members.js');
const { putWorkspacePart } = await import('../../shared/data/workspaces.js');
const { setSeatLimit } = await import('../../shared/domain/workspaces.js');
const { reconcileOverLimitWorkspaces } = await import('../../shared/domain/licenses.js');
const { newId } = await import('../../shared/ids.js');
const { clock } = await import('../../shared/clock.js');

type Item = Record<string, unknown>;

// ---- what the job reads ----------------------------------------------------------
// Items returned by reads, counted by entity (plain or AttributeValue form, whichever the serde gives here).
const reads = { workspaceItems: 0, memberItems: 0, indexEntries: 0, workspaces: new Set<string>() };
const resetReads = () => { reads.workspaceItems = 0; reads.memberItems = 0; reads.indexEntries = 0; reads.workspaces.clear(); };
const s = (v: unknown) => (typeof v === 'string' ? v : (v as { S?: string } | undefined)?.S);
dynamodb.middlewareStack.add((next) => async (args) => {
  const result = await next(args);
  const out = result.output as { Item?: Item; Items?: Item[]; Responses?: Record<string, Item[]> };
  const items = [...(out.Item ? [out.Item] : []), ...(out.Items ?? []), ...Object.values(out.Responses ?? {}).flat()];
  for (const i of items) {
    const type = s(i.type);
    if (type === 'workspace') reads.workspaceItems += 1;
    else if (type === 'member') reads.memberItems += 1;
    else reads.indexEntries += 1;
    const pk = s(i.PK);
    if (pk?.startsWith('WS#')) reads.workspaces.add(pk);
  }
  return result;
}, { step: 'serialize', priority: 'high', name: 'benchReadCounter' });

// ---- fast seeding --------------------------------------------------------------
async function batchWrite(items: Item[], inFlight = 8): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }));
        pending = (out.UnprocessedItems?.[tableName()] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

const at = (base: number, seconds: number) => new Date(base + seconds * 1000).toISOString();

/**
 * One workspace item and its member items, written directly (no users: the job
 * never reads them). The owner joined first, two admins next, then everyone else,
 * each a second apart; every member holds a seat, and the limit equals the seats used.
 */
function workspaceItems(members: number, name: string): { id: string; items: Item[] } {
  const id = newId('ws');
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  const now = clock.nowIso();
  const items: Item[] = [];
  const ownerId = newId('usr');
  for (let i = 0; i <= members; i++) {
    const userId = i === 0 ? ownerId : newId('usr');
    const role = i === 0 ? 'owner' : i <= 2 ? 'admin' : 'contributor';
    const email = `m${i}.${id.slice(-6).toLowerCase()}@bench.example.com`;
    items.push(putMemberPart({
      workspaceId: id, userId, email, fullName: `Bench Member ${i}`, role, status: 'active',
      joinedAt: at(base, i), updatedAt: now, version: 0,
    }).item.Put!.Item as Item);
  }
  items.push(putWorkspacePart({
    id, name, defaultRole: 'contributor', seatLimit: members + 1, seatsUsed: members + 1, ownerId,
    createdAt: at(base, 0), updatedAt: now, version: 0,
  }).item.Put!.Item as Item);
  return { id, items };
}

const SYSTEM = { type: 'system' as const, id: 'bench' };

async function measureJob() {
  resetReads();
  const meter = startCapacityMeter();
  const t0 = performance.now();
  const summary = await reconcileOverLimitWorkspaces();
  const ms = performance.now() - t0;
  const c = meter.snapshot();
  meter.stop();
  return { summary, ms, ...c, reads: { ...reads, workspaces: reads.workspaces.size } };
}

let workspacesInTable = 0;
async function seedWorkspace(members: number, name: string): Promise<{ id: string; itemsPerSecond: number }> {
  const { id, items } = workspaceItems(members, name);
  const t0 = performance.now();
  await batchWrite(items);
  workspacesInTable += 1;
  return { id, itemsPerSecond: items.length / ((performance.now() - t0) / 1000) };
}

// Unmeasured warm-up, so no measured run pays for module loading and first-call set-up.
const warm = await seedWorkspace(20, 'Warm-up');
await setSeatLimit(warm.id, SYSTEM, 21 - LOWERED_BY);
await reconcileOverLimitWorkspaces();

// ---- (a) and (b): one large and one small workspace --------------------------------
// Three rounds each (the limit lowered by 10 again before each): times on a shared
// 2-core machine are noisy, so the median is reported; capacity is the same every round.
const ROUNDS = 3;
const rows: Record<string, string | number>[] = [];
for (const members of [MEMBERS_LARGE, 1_000]) {
  const { id, itemsPerSecond } = await seedWorkspace(members, `Bench ${members}`);
  const runs: Awaited<ReturnType<typeof measureJob>>[] = [];
  for (let run = 1; run <= ROUNDS; run++) {
    await setSeatLimit(id, SYSTEM, members + 1 - run * LOWERED_BY);
    const r = await measureJob();
    if (r.summary.deactivated !== LOWERED_BY || r.summary.workspaces !== 1) throw new Error(`unexpected job result ${JSON.stringify(r.summary)}`);
    runs.push(r);
  }
  const spread = (f: (r: (typeof runs)[number]) => number) => {
    const v = runs.map(f);
    return Math.min(...v) === Math.max(...v) ? round(v[0]!, 1) : `${round(Math.min(...v), 1)}–${round(Math.max(...v), 1)}`;
  };
  rows.push({
    'members': members,
    'seeded (items/s)': Math.round(itemsPerSecond),
    'deactivated per run': LOWERED_BY,
    'RCU per run': spread((r) => r.rcu),
    'WCU per run': spread((r) => r.wcu),
    'DynamoDB calls per run': spread((r) => r.calls),
    'member items read per run': spread((r) => r.reads.memberItems),
    'job time (ms, median)': Math.round(percentile(runs.map((r) => r.ms), 50)),
  });
}
ctx.report(`Reconciliation of one workspace, limit lowered by ${LOWERED_BY} (${ROUNDS} runs each)`, rows);

// ---- (c): many workspaces, few over their limit ----------------------------------
const WORKSPACES = 1_000;
const OVER = 5;
const all: string[] = [];
const manyItems: Item[] = [];
for (let i = 0; i < WORKSPACES; i++) {
  const w = workspaceItems(4, `Small ${i}`);
  all.push(w.id);
  manyItems.push(...w.items);
}
await batchWrite(manyItems);
workspacesInTable += WORKSPACES;
for (const id of all.slice(0, OVER)) await setSeatLimit(id, SYSTEM, 3);
const many = await measureJob();
if (many.reads.workspaces !== OVER || many.summary.workspaces !== OVER || many.summary.deactivated !== OVER * 2) {
  throw new Error(`the job touched ${many.reads.workspaces} workspaces (${JSON.stringify(many.summary)}), expected ${OVER}`);
}
ctx.report(`Job over ${WORKSPACES} workspaces, ${OVER} over their limit`, [{
  'workspaces in table': workspacesInTable,
  'over-limit index entries read': many.reads.indexEntries,
  'workspaces touched': many.reads.workspaces,
  'workspace items read': many.reads.workspaceItems,
  'member items read': many.reads.memberItems,
  'deactivated': many.summary.deactivated,
  'RCU': round(many.rcu, 1),
  'WCU': round(many.wcu, 1),
  'job time (ms)': Math.round(many.ms),
}]);

await ctx.done();
