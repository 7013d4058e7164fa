/**
 * Foundation costs.
 *  1. Per Lambda handler (every route, the stream workers, the job, the 404 handler):
 *     the minified ESM bundle as the stack builds it, and the median time to import it
 *     in a fresh Node process — next to a baseline (middy + one GetItem, bench/baseline-handler.ts).
 *  2. Through local mode over HTTP: p50/p99 latency and DynamoDB consumed capacity
 *     (ReturnConsumedCapacity, metered in-process) of sign-in (request link + consume),
 *     create workspace and get workspace; sequential, then 8 concurrent clients.
 * BENCH_ITERATIONS (default 200) and BENCH_IMPORT_RUNS (default 3) tune the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchContext, percentile, round } from '../context.js';
import { bundleHandlers, importTimeMs, type Bundle } from '../bundle.js';
import { handlerFile, routes } from '../../shared/http/routes.js';
import { scheduledWorkers, streamWorkers } from '../../shared/workers.js';
import { NOT_FOUND_HANDLER_FILE } from '../../infra/bundling.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const IMPORT_RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 3);
const CONCURRENCY = 8;

const ctx = await benchContext('foundation');
// Imported after benchContext(): the service modules read their configuration at load.
const { startCapacityMeter } = await import('../../shared/data/capacity-meter.js');

const median = (xs: number[]) => percentile(xs, 50);
const kb = (bytes: number) => round(bytes / 1024, 1);

// ---- 1. bundles and import times -----------------------------------------------------------
{
  const started = performance.now();
  const outDir = mkdtempSync(join(tmpdir(), 'roster-bundles-'));
  try {
    const entries = [
      ...routes.map((r) => ({ name: r.operation, entry: handlerFile(r.operation) })),
      ...streamWorkers.map((w) => ({ name: w.name, entry: w.handlerFile })),
      ...scheduledWorkers.map((w) => ({ name: w.name, entry: w.handlerFile })),
      { name: 'notFound', entry: NOT_FOUND_HANDLER_FILE },
      { name: 'BASELINE', entry: 'bench/baseline-handler.ts' },
    ];
    const bundles = await bundleHandlers(entries, outDir);
    const bundledMs = performance.now() - started;

    // One import at a time (parallel imports on 2 cores would measure contention), round-robin
    // over all bundles so a change in machine load touches every handler and the baseline alike.
    const runs = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
    for (let i = 0; i < IMPORT_RUNS; i++) {
      for (const b of bundles) runs.get(b.name)!.push(await importTimeMs(b.outfile));
    }
    const imports = new Map([...runs].map(([name, ms]) => [name, median(ms)]));
    const baseline = bundles.find((b) => b.name === 'BASELINE')!;
    const baseMs = imports.get('BASELINE')!;
    const row = (b: Bundle) => ({
      handler: b.name,
      'bundle KB': kb(b.bytes),
      'x baseline size': round(b.bytes / baseline.bytes, 2),
      'import ms (median)': round(imports.get(b.name)!, 1),
      'x baseline import': round(imports.get(b.name)! / baseMs, 2),
    });
    const handlers = bundles.filter((b) => b.name !== 'BASELINE');
    ctx.report(`Lambda bundles (minified ESM, as deployed) and import time in a fresh node, median of ${IMPORT_RUNS}`, [
      row(baseline),
      ...handlers.map(row),
    ]);
    const sizes = handlers.map((b) => b.bytes);
    const times = handlers.map((b) => imports.get(b.name)!);
    ctx.report('Bundles summary', [{
      handlers: handlers.length,
      'baseline KB': kb(baseline.bytes),
      'median KB': kb(median(sizes)),
      'max KB': kb(Math.max(...sizes)),
      'baseline import ms': round(baseMs, 1),
      'median import ms': round(median(times), 1),
      'max import ms': round(Math.max(...times), 1),
      'bundling s (parallel)': round(bundledMs / 1000, 1),
      'total s': round((performance.now() - started) / 1000, 1),
    }]);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

// ---- 2. local mode: latency and consumed capacity ------------------------------------------
const api = ctx.runtime.apiUrl;
let seq = 0;
const uniqueEmail = () => `bench-${Date.now().toString(36)}-${seq++}@foundation.example`;

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

function expectStatus(r: { status: number; json: unknown }, status: number, what: string) {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.json)}`);
}

/** The sign-in link the notifier sent to `email` (the stream is drained first). */
async function signInLink(email: string): Promise<string> {
  await ctx.runtime.drainStreams();
  const res = await fetch(`${ctx.sesEndpoint}/store?since=${Math.floor(Date.now() / 1000) - 60}`);
  const { emails } = await res.json() as { emails: { destination: { to: string[] }; body: { text: string } }[] };
  for (const mail of emails.reverse()) {
    if (!mail.destination.to.includes(email)) continue;
    const m = /\/auth\/email-link\/([A-Za-z0-9_-]+)/.exec(mail.body.text);
    if (m) return m[1]!;
  }
  throw new Error(`no sign-in link for ${email}`);
}

interface Sample { ms: number; rcu: number; wcu: number; calls: number }
const meter = startCapacityMeter();

/** Time one request and the capacity it consumed (nothing else runs meanwhile in the sequential phases). */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; sample: Sample }> {
  meter.reset();
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  const c = meter.snapshot();
  return { value, sample: { ms, rcu: c.rcu, wcu: c.wcu, calls: c.calls } };
}

const rows: Record<string, string | number>[] = [];
function summarize(operation: string, mode: string, samples: Sample[], extra?: { rcu: number; wcu: number; calls: number }) {
  const n = samples.length;
  const ms = samples.map((s) => s.ms);
  const total = extra ?? samples.reduce((a, s) => ({ rcu: a.rcu + s.rcu, wcu: a.wcu + s.wcu, calls: a.calls + s.calls }), { rcu: 0, wcu: 0, calls: 0 });
  rows.push({
    operation, mode, requests: n,
    'p50 ms': round(percentile(ms, 50), 1), 'p99 ms': round(percentile(ms, 99), 1),
    'RCU / req': round(total.rcu / n, 2), 'WCU / req': round(total.wcu / n, 2), 'DynamoDB calls / req': round(total.calls / n, 1),
  });
}

// Warm the handler modules once, so the numbers are warm-Lambda numbers (cold starts are part 1).
const owner = await (async () => {
  const email = uniqueEmail();
  expectStatus(await call('POST', '/auth/email-link', { email, fullName: 'Bench Owner' }), 202, 'warm-up request link');
  const s = await call('POST', `/auth/email-link/${await signInLink(email)}`);
  expectStatus(s, 200, 'warm-up consume');
  const token = s.json.access_token as string;
  const ws = await call('POST', '/workspaces', { name: 'Warm-up' }, token);
  expectStatus(ws, 201, 'warm-up create');
  expectStatus(await call('GET', `/workspaces/${ws.json.id as string}`, undefined, token), 200, 'warm-up get');
  return { token, workspaceId: ws.json.id as string };
})();

{
  const request: Sample[] = [];
  const consume: Sample[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const email = uniqueEmail();
    const r = await measured(() => call('POST', '/auth/email-link', { email, fullName: 'Bench Person' }));
    expectStatus(r.value, 202, 'request link');
    request.push(r.sample);
    const link = await signInLink(email);
    const c = await measured(() => call('POST', `/auth/email-link/${link}`));
    expectStatus(c.value, 200, 'consume link');
    consume.push(c.sample);
  }
  summarize('sign-in: request link (POST /auth/email-link)', 'sequential', request);
  summarize('sign-in: consume link (POST /auth/email-link/{token})', 'sequential', consume);
  summarize('sign-in: request + consume', 'sequential', request.map((r, i) => ({
    ms: r.ms + consume[i]!.ms, rcu: r.rcu + consume[i]!.rcu, wcu: r.wcu + consume[i]!.wcu, calls: r.calls + consume[i]!.calls,
  })));
}

{
  const create: Sample[] = [];
  const ids: string[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const r = await measured(() => call('POST', '/workspaces', { name: `Bench ${i}` }, owner.token));
    expectStatus(r.value, 201, 'create workspace');
    create.push(r.sample);
    ids.push(r.value.json.id as string);
  }
  summarize('create workspace (POST /workspaces)', 'sequential', create);

  const get: Sample[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const r = await measured(() => call('GET', `/workspaces/${ids[i % ids.length]}`, undefined, owner.token));
    expectStatus(r.value, 200, 'get workspace');
    get.push(r.sample);
  }
  summarize('get workspace (GET /workspaces/{ws})', 'sequential', get);
}

/** CONCURRENCY clients sharing ITERATIONS requests; capacity is the phase total divided by requests. */
async function concurrent(operation: string, one: (i: number) => Promise<void>) {
  const latencies: Sample[] = [];
  let next = 0;
  meter.reset();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < ITERATIONS) {
      const i = next++;
      const t = performance.now();
      await one(i);
      latencies.push({ ms: performance.now() - t, rcu: 0, wcu: 0, calls: 0 });
    }
  }));
  summarize(operation, `${CONCURRENCY} concurrent`, latencies, meter.snapshot());
}

await concurrent('create workspace (POST /workspaces)', async (i) => {
  expectStatus(await call('POST', '/workspaces', { name: `Concurrent ${i}` }, owner.token), 201, 'create workspace');
});
await concurrent('get workspace (GET /workspaces/{ws})', async () => {
  expectStatus(await call('GET', `/workspaces/${owner.workspaceId}`, undefined, owner.token), 200, 'get workspace');
});
await concurrent('sign-in: request link (POST /auth/email-link)', async () => {
  expectStatus(await call('POST', '/auth/email-link', { email: uniqueEmail() }), 202, 'request link');
});

meter.stop();
ctx.report(`Local mode over HTTP (DynamoDB Local; capacity via ReturnConsumedCapacity), ${ITERATIONS} requests each`, rows);
await ctx.done();
