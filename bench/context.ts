/**
 * What a benchmark suite gets: the run's DynamoDB Local and SES emulator (started
 * by bench/run.ts and passed in the environment, or started here when a suite is
 * run on its own), a fresh local-mode runtime on its own table, and a printer.
 * Each suite runs in its own process, so handler modules load fresh with its table.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { freePort, startDynamoDbLocal, startSesEmulator } from '../local/processes.js';
import { startLocal, type LocalRuntime } from '../local/runtime.js';

export interface BenchContext {
  dynamodbEndpoint: string;
  sesEndpoint: string;
  runtime: LocalRuntime;
  /** Print a table and keep it for bench/results/<suite>.json. */
  report(title: string, rows: Record<string, string | number>[]): void;
  done(): Promise<void>;
}

export async function benchContext(suite: string): Promise<BenchContext> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.LOG_LEVEL ??= 'SILENT';
  // The suites measure throughput: one owner creates many workspaces, past the abuse limit.
  process.env.WORKSPACES_PER_USER_PER_DAY ??= '1000000';
  const owned: { stop(): Promise<void> }[] = [];
  let dynamodbEndpoint = process.env.BENCH_DYNAMODB_ENDPOINT;
  let sesEndpoint = process.env.BENCH_SES_ENDPOINT;
  if (!dynamodbEndpoint) {
    const d = await startDynamoDbLocal(await freePort());
    owned.push(d);
    dynamodbEndpoint = d.url;
  }
  if (!sesEndpoint) {
    const s = await startSesEmulator(await freePort());
    owned.push(s);
    sesEndpoint = s.url;
  }
  const runtime = await startLocal({
    apiPort: 0,
    dynamodb: { endpoint: dynamodbEndpoint },
    ses: { endpoint: sesEndpoint },
    tableName: `bench_${suite.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`,
    dataDir: process.env.BENCH_DATA_DIR ?? '.roster-local/bench',
  });
  const reports: { title: string; rows: Record<string, string | number>[] }[] = [];
  return {
    dynamodbEndpoint,
    sesEndpoint,
    runtime,
    report(title, rows) {
      reports.push({ title, rows });
      console.log(`\n## ${title}`);
      console.table(rows);
    },
    async done() {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(`bench/results/${suite}.json`, JSON.stringify(reports, null, 2));
      await runtime.stop();
      for (const o of owned) await o.stop();
    },
  };
}

/** Percentile of a list of numbers (nearest-rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));
