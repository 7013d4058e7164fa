/**
 * Members at scale, one workspace of 100,000 members (BENCH_MEMBERS to change):
 *  - list members, page of 50, following cursors through the workspace: p50/p99;
 *  - CSV export of every member, as Lambda would run it: the handler is invoked in
 *    a fresh child process (this same file, in probe mode) so its peak RSS is the
 *    handler's own, and the response is checked against Lambda's 6 MB limit.
 * Members are bulk-written (BatchWrite) with realistic names, emails, roles, statuses
 * and join dates spread over two years, so the compression ratio means something.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const COUNT = Number(process.env.BENCH_MEMBERS ?? 100_000);
const LIST_REQUESTS = 300;
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

interface ProbeResult {
  statusCode: number;
  ms: number;
  baselineRssMb: number;
  peakRssMb: number;
  responseBytes: number;
  gzipped: boolean;
  body: string;
}

/** Probe mode: run the export handler once in this fresh process and print what it cost. */
async function probe(): Promise<void> {
  const { handler } = await import('../../functions/export-members.js');
  const { lambdaContext } = await import('../../local/invoke.js');
  const ws = process.env.PROBE_WS!;
  const headers: Record<string, string> = { authorization: `Bearer ${process.env.PROBE_TOKEN}` };
  if (process.env.PROBE_GZIP === '1') headers['accept-encoding'] = 'gzip, deflate, br';
  const event = {
    version: '2.0', routeKey: 'GET /workspaces/{ws}/members/export', rawPath: `/workspaces/${ws}/members/export`, rawQueryString: '',
    headers, pathParameters: { ws }, isBase64Encoded: false,
    requestContext: { http: { method: 'GET', path: `/workspaces/${ws}/members/export` }, requestId: 'bench', timeEpoch: Date.now() },
  };
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  const started = performance.now();
  const res = (await handler(event as never, lambdaContext('export-members'))) as { statusCode: number; body?: string; isBase64Encoded?: boolean; headers?: Record<string, string> };
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const body = res.body ?? '';
  const result: ProbeResult = {
    statusCode: res.statusCode, ms, baselineRssMb: baseline / 2 ** 20, peakRssMb: peak / 2 ** 20,
    // What Lambda would have to return: the serialized response object.
    responseBytes: Buffer.byteLength(JSON.stringify(res)),
    gzipped: res.headers?.['content-encoding'] === 'gzip',
    body: res.isBase64Encoded ? body : Buffer.from(body).toString('base64'),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runProbe(env: Record<string, string>): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url)], {
      // Errors only: an unexpected failure of the handler shows up on stderr.
      env: { ...process.env, ...env, MEMBERS_EXPORT_PROBE: '1', LOG_LEVEL: 'ERROR' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try { resolve(JSON.parse(line) as ProbeResult); } catch { reject(new Error(`export probe failed (exit ${code}): ${out.slice(0, 500)}`)); }
    });
  });
}

async function main(): Promise<void> {
  const { benchContext, percentile, round } = await import('../context.js');
  const ctx = await benchContext('members');

  // Imported after benchContext(): the service modules read their configuration at load.
  const { batchPutMembers } = await import('../../shared/data/members.js');
  const { putUserParts } = await import('../../shared/data/users.js');
  const { transact } = await import('../../shared/data/core.js');
  const { createWorkspace } = await import('../../shared/domain/workspaces.js');
  const { startSession } = await import('../../shared/domain/sessions.js');
  const { newId } = await import('../../shared/ids.js');
  const { clock } = await import('../../shared/clock.js');
  type Member = import('../../shared/data/members.js').Member;

  const now = clock.nowIso();
  const ownerId = newId('usr');
  await transact(putUserParts({ id: ownerId, email: 'owner@bench.example', fullName: 'Bench Owner', createdAt: now, updatedAt: now }));
  const ws = await createWorkspace(ownerId, { name: 'Bench', seats: 1_000_000 });

  // Names and emails from random syllables: about as varied as real ones, so gzip gets no easier ride.
  const syllables = ['an', 'be', 'ca', 'do', 'el', 'fi', 'ga', 'ho', 'is', 'ja', 'ki', 'lo', 'ma', 'ne', 'ol', 'pa', 'qu', 'ri', 'sa', 'te',
    'ul', 'va', 'wi', 'xa', 'yo', 'zu', 'mar', 'son', 'ton', 'ley', 'ber', 'gar', 'lin', 'dor', 'vic', 'ström', 'ñez', 'ç', 'é', 'ü'];
  const word = (n: number) => Array.from({ length: n }, () => syllables[Math.floor(Math.random() * syllables.length)]).join('');
  const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
  const domains = Array.from({ length: 200 }, () => `${word(3)}.example`);
  const roles = ['contributor', 'contributor', 'contributor', 'reader', 'contributor_plus', 'restricted_contributor', 'integrator', 'admin'];
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  const span = 2 * 365 * 24 * 3600 * 1000;
  const members: Member[] = Array.from({ length: COUNT }, (_, i) => {
    const f = word(2 + (i % 2)), l = word(2 + (i % 3));
    const status = i % 100 === 0 ? 'suspended' : i % 100 === 1 ? 'deactivated' : i % 100 === 2 ? 'removed' : 'active';
    const joinedAt = new Date(start + Math.floor(Math.random() * span)).toISOString();
    return {
      workspaceId: ws.id, userId: newId('usr'), fullName: `${cap(f)} ${cap(l)}`,
      email: `${f}.${l}${i % 7 === 0 ? Math.floor(Math.random() * 100) : ''}@${domains[Math.floor(Math.random() * domains.length)]}`.normalize('NFD').replace(/[^a-z0-9.@]/g, ''),
      role: roles[i % roles.length]!, status, joinedAt, updatedAt: joinedAt, version: 0,
      ...(status === 'removed' ? { removedAt: now, purgeAt: new Date(Date.parse(now) + 14 * 86_400_000).toISOString() } : {}),
    } as Member;
  });
  const seedStarted = performance.now();
  const lanes = 6;
  const per = Math.ceil(COUNT / lanes);
  await Promise.all(Array.from({ length: lanes }, (_, k) => batchPutMembers(members.slice(k * per, (k + 1) * per))));
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const exported = COUNT + 1 - members.filter((m) => m.status === 'removed').length;

  // ---- list members, page of 50 --------------------------------------------------
  // Cursors are followed through the workspace, starting over at its end.
  const token = (await startSession({ type: 'user', userId: ownerId })).access_token;
  const list = async (cursor: string | null) => {
    const t = performance.now();
    const res = await fetch(`${ctx.runtime.apiUrl}/workspaces/${ws.id}/members?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
    if (res.status !== 200 || body.items.length === 0) throw new Error(`list failed: ${res.status}`);
    return { ms: performance.now() - t, next: body.nextCursor };
  };
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) cursor = (await list(cursor)).next;
  const times: number[] = [];
  for (let i = 0; i < LIST_REQUESTS; i++) {
    const r = await list(cursor);
    times.push(r.ms);
    cursor = r.next;
  }
  ctx.report(`List members (page of 50, ${COUNT.toLocaleString('en')} members, cursors followed)`, [{
    requests: LIST_REQUESTS, p50_ms: round(percentile(times, 50)), p99_ms: round(percentile(times, 99)),
    mean_ms: round(times.reduce((a, b) => a + b, 0) / times.length),
  }]);

  // ---- export ----------------------------------------------------------------------
  const probeEnv = { PROBE_WS: ws.id, PROBE_TOKEN: (await startSession({ type: 'user', userId: ownerId })).access_token };
  const gz = await runProbe({ ...probeEnv, PROBE_GZIP: '1' });
  if (gz.statusCode !== 200 || !gz.gzipped) throw new Error(`gzip export failed: ${gz.statusCode} ${Buffer.from(gz.body, 'base64').toString('utf8').slice(0, 300)}`);
  const gzBytes = Buffer.from(gz.body, 'base64');
  const csv = gunzipSync(gzBytes);
  const rows = csv.toString('utf8').split('\r\n').length - 2;
  if (rows !== exported) throw new Error(`export has ${rows} rows, expected ${exported}`);
  const plain = await runProbe(probeEnv);

  ctx.report(`Export of ${COUNT.toLocaleString('en')} members (handler in a fresh process)`, [
    {
      request: 'Accept-Encoding: gzip', status: gz.statusCode, rows, time_s: round(gz.ms / 1000, 2),
      csv_MB: round(csv.length / 2 ** 20, 2), gzip_MB: round(gzBytes.length / 2 ** 20, 2),
      ratio: round(csv.length / gzBytes.length, 1),
      lambda_response_MB: round(gz.responseBytes / 2 ** 20, 2), fits_6MB: gz.responseBytes < LAMBDA_RESPONSE_LIMIT ? 'yes' : 'NO',
      baseline_rss_MB: round(gz.baselineRssMb), peak_rss_MB: round(gz.peakRssMb),
    },
    {
      request: 'no gzip', status: plain.statusCode, rows: plain.statusCode === 200 ? rows : 0, time_s: round(plain.ms / 1000, 2),
      csv_MB: round(csv.length / 2 ** 20, 2), gzip_MB: '-', ratio: '-',
      lambda_response_MB: round(plain.responseBytes / 2 ** 20, 2), fits_6MB: plain.responseBytes < LAMBDA_RESPONSE_LIMIT ? 'yes' : 'NO',
      baseline_rss_MB: round(plain.baselineRssMb), peak_rss_MB: round(plain.peakRssMb),
    },
  ]);
  ctx.report('Seeding (BatchWrite, not part of the measured paths)', [{ members: COUNT, seconds: round(seedSeconds), items_per_s: Math.round(COUNT / seedSeconds) }]);
  await ctx.done();
}

if (process.env.MEMBERS_EXPORT_PROBE === '1') await probe();
else await main();
