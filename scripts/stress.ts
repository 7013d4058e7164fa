/**
 * `npm run stress`: the stress workload of issue 9 over loopback HTTP against local mode
 * (its own DynamoDB Local and SES emulator on free ports), then the invariant report.
 * Bounded in time: it gives up after STRESS_TIMEOUT_SECONDS. Exit code 0 only when no
 * answer was a 5xx or unexplained, and every invariant holds.
 *
 *   STRESS_WORKSPACES (8)  STRESS_INVITEES (12 per workspace)  STRESS_SEATS (11)  STRESS_IN_FLIGHT (12)
 *   STRESS_TIMEOUT_SECONDS (600)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local/processes.js';
import { startLocal } from '../local/runtime.js';
import { httpSend } from '../test/support/http.js';
import { runStress } from '../test/support/stress.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const options = { workspaces: env('STRESS_WORKSPACES', 8), invitees: env('STRESS_INVITEES', 12), seats: env('STRESS_SEATS', 11), maxInFlight: env('STRESS_IN_FLIGHT', 12) };
const timeoutSeconds = env('STRESS_TIMEOUT_SECONDS', 600);

const dataDir = mkdtempSync(join(tmpdir(), 'roster-stress-'));
const runtime = await startLocal({
  apiPort: 0,
  dynamodb: { port: await freePort() },
  ses: { port: await freePort() },
  tableName: 'roster_stress',
  dataDir,
});
const stop = async () => {
  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });
};
const timer = setTimeout(() => {
  console.error(`stress: gave up after ${timeoutSeconds} s`);
  void stop().finally(() => process.exit(2));
}, timeoutSeconds * 1000);

// Loaded once local mode has pointed the configuration at its table.
const { checkInvariants, formatInvariants } = await import('../test/support/invariants.js');

console.log(`stress: ${options.workspaces} workspaces × ${options.invitees} invitees, ${options.seats} seats each, over ${runtime.apiUrl}`);
const report = await runStress({ send: httpSend(runtime.apiUrl), drain: () => runtime.drainStreams(), sesUrl: runtime.sesUrl }, options);
const invariantsStarted = performance.now();
const results = await checkInvariants({ workspaceIds: report.workspaceIds, observed: report, reconciled: true });
clearTimeout(timer);

const singleUse = (kind: string) => report.singleUse.filter((u) => u.kind === kind);
console.log(`
requests        ${report.requests} in ${(report.durationMs / 1000).toFixed(1)} s (${Object.entries(report.phasesMs).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')})
by status       ${Object.entries(report.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ')}
5xx             ${report.serverErrors.length}${report.serverErrors.map((e) => `\n  ${e.op} ${e.status} ${e.body}`).join('')}
unexplained 4xx ${report.unexpected.length}${report.unexpected.map((e) => `\n  ${e.op} ${e.status} ${e.body}`).join('')}
single-use      invitation links ${singleUse('invitation').length}, sign-in links ${singleUse('sign-in').length}, refresh tokens ${singleUse('refresh').length} (each presented twice at once)
exclusive races ${[...new Set(report.exactlyOne.map((r) => r.race))].map((race) => `${race}: winners per race ${report.exactlyOne.filter((r) => r.race === race).map((r) => r.winners).join(' ')}`).join(', ')}
invariants (${Math.round(performance.now() - invariantsStarted)} ms)
${formatInvariants(results)}
`);
const ok = report.serverErrors.length === 0 && report.unexpected.length === 0 && results.every((r) => r.ok);
console.log(ok ? 'stress: OK' : 'stress: FAILED');
await stop();
process.exit(ok ? 0 : 1);
