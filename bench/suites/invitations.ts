/**
 * Invitation latency and cost, over HTTP through the local runtime (the same handler
 * modules Lambda runs, against DynamoDB Local):
 *  - invite 10 new addresses in one request (10 invitation transactions + their emails);
 *  - accept one invitation as a new user (one transaction: link, invitation, user,
 *    membership, seat, audit) plus the session it returns.
 * Requests run one at a time, so the consumed capacity metered in this process during
 * a request is that request's own.
 */
import { benchContext, percentile, round } from '../context.js';

const RUNS = Number(process.env.BENCH_INVITATIONS_RUNS ?? 30);
const ctx = await benchContext('invitations');

// Imported after benchContext(): the service modules read their configuration at load.
const { startCapacityMeter } = await import('../../shared/data/capacity-meter.js');
const { createUserOrGetExisting } = await import('../../shared/data/users.js');
const { createWorkspace } = await import('../../shared/domain/workspaces.js');
const { startSession } = await import('../../shared/domain/sessions.js');
const { newId } = await import('../../shared/ids.js');
const { clock } = await import('../../shared/clock.js');

const now = clock.nowIso();
const { user: owner } = await createUserOrGetExisting({
  id: newId('usr'), email: `bench-owner-${Date.now()}@example.com`, fullName: 'Bench Owner', createdAt: now, updatedAt: now,
});
const ws = await createWorkspace(owner.id, { name: 'Bench Workspace', seats: 10_000 });
const { access_token: ownerToken } = await startSession({ type: 'user', userId: owner.id });
const api = ctx.runtime.apiUrl;
const tag = Date.now().toString(36);

async function post(path: string, body: unknown, token?: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

interface Sample { ms: number; rcu: number; wcu: number; calls: number }

const meter = startCapacityMeter();
async function measure(fn: () => Promise<void>): Promise<Sample> {
  meter.reset();
  const started = performance.now();
  await fn();
  const ms = performance.now() - started;
  return { ms, ...meter.snapshot() };
}

const summary = (operation: string, samples: Sample[]) => {
  const mean = (k: keyof Sample) => round(samples.reduce((s, x) => s + x[k], 0) / samples.length, 1);
  return {
    operation,
    runs: samples.length,
    'p50 ms': round(percentile(samples.map((s) => s.ms), 50)),
    'p99 ms': round(percentile(samples.map((s) => s.ms), 99)),
    'mean RCU': mean('rcu'),
    'mean WCU': mean('wcu'),
    'DynamoDB calls': mean('calls'),
  };
};

const inviteTen = (run: number) => async () => {
  const emails = Array.from({ length: 10 }, (_, i) => `bench-${tag}-${run}-${i}@example.com`);
  const r = await post(`/workspaces/${ws.id}/invitations`, { emails }, ownerToken);
  const results = (r.json as { results?: { status: string }[] }).results ?? [];
  if (r.status !== 200 || results.some((x) => x.status !== 'invited')) throw new Error(`invite failed: ${r.status} ${JSON.stringify(r.json)}`);
};

// Warm-up: module loading and first connections are not what we measure.
await inviteTen(-1)();

const invites: Sample[] = [];
for (let run = 0; run < RUNS; run++) invites.push(await measure(inviteTen(run)));

// One invitation per acceptance; the links come from the SES emulator like a person's would.
const acceptEmails = Array.from({ length: RUNS }, (_, i) => `bench-accept-${tag}-${i}@example.com`);
const invited = await post(`/workspaces/${ws.id}/invitations`, { emails: acceptEmails }, ownerToken);
if (invited.status !== 200) throw new Error(`invite failed: ${invited.status}`);
await ctx.runtime.drainStreams();
const store = (await (await fetch(`${ctx.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text: string } }[] };
const tokens = acceptEmails.map((email) => {
  const mail = store.emails.filter((m) => m.destination.to.includes(email)).pop();
  const token = mail && /\/invitations\/([A-Za-z0-9_-]+)/.exec(mail.body.text)?.[1];
  if (!token) throw new Error(`no invitation mail for ${email}`);
  return token;
});

const accepts: Sample[] = [];
for (const [i, token] of tokens.entries()) {
  accepts.push(await measure(async () => {
    const r = await post(`/invitations/${token}/accept`, { fullName: `Bench Joiner ${i}` });
    if (r.status !== 200) throw new Error(`accept failed: ${r.status} ${JSON.stringify(r.json)}`);
  }));
}
meter.stop();

ctx.report('Invitations over HTTP (local runtime, DynamoDB Local)', [
  summary('invite 10 emails', invites),
  summary('accept (new user)', accepts),
]);
await ctx.done();
