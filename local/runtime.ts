/**
 * Local mode, assembled: DynamoDB Local + SES emulator + the API server + the
 * stream poller + the scheduled jobs + the `/_local` routes. `npm start`, the
 * end-to-end tests and the benchmarks all run this one thing.
 */
import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { clock } from '../shared/clock.js';
import { localClockBody } from '../shared/http/schemas.js';
import { scheduledWorkers } from '../shared/workers.js';
import { startDynamoDbLocal, startSesEmulator, type Running } from './processes.js';
import { ensureTable } from './table.js';
import { createApiServer, type LocalRoute } from './server.js';
import { StreamPoller } from './streams.js';
import { sweepExpired } from './sweep.js';
import { invoke } from './invoke.js';

export interface LocalOptions {
  apiPort: number;
  host?: string;
  /** Use a running DynamoDB Local, or start one on this port. */
  dynamodb: { endpoint: string } | { port: number };
  ses: { endpoint: string } | { port: number };
  tableName: string;
  publicUrl?: string;
  dataDir?: string;
  /** Run the stream poller and job timers in the background (npm start); tests drain explicitly. */
  background?: boolean;
}

export interface LocalRuntime {
  apiUrl: string;
  sesUrl: string;
  dynamodbEndpoint: string;
  tableName: string;
  poller: StreamPoller;
  drainStreams(): Promise<void>;
  runJob(name: string): Promise<unknown>;
  stop(): Promise<void>;
}

export const LOCAL_JOBS = ['license-reconciliation', 'outbox-redrive', 'ttl-sweep'] as const;

export async function startLocal(opts: LocalOptions): Promise<LocalRuntime> {
  const owned: Running[] = [];
  const dynamo = 'endpoint' in opts.dynamodb ? { url: opts.dynamodb.endpoint } : await startDynamoDbLocal(opts.dynamodb.port).then((r) => (owned.push(r), r));
  const ses = 'endpoint' in opts.ses ? { url: opts.ses.endpoint } : await startSesEmulator(opts.ses.port).then((r) => (owned.push(r), r));
  const host = opts.host ?? '127.0.0.1';

  // The handler modules read their configuration at load, so it is set before any is imported.
  process.env.DYNAMODB_ENDPOINT = dynamo.url;
  process.env.SES_ENDPOINT = ses.url;
  process.env.TABLE_NAME = opts.tableName;
  process.env.PUBLIC_URL = opts.publicUrl ?? process.env.PUBLIC_URL ?? `http://127.0.0.1:${opts.apiPort}`;
  process.env.LOCAL_DATA_DIR = opts.dataDir ?? process.env.LOCAL_DATA_DIR ?? '.roster-local';
  process.env.AWS_REGION ??= 'us-east-1';

  await ensureTable(dynamo.url, opts.tableName);
  const poller = new StreamPoller(dynamo.url, opts.tableName);
  await poller.init();

  const runJob = async (name: string): Promise<unknown> => {
    if (name === 'ttl-sweep') {
      const deleted = await sweepExpired(dynamo.url, opts.tableName, clock.nowEpochSeconds(), (pk, sk) => poller.ttlDeletedKeys.add(`${pk}|${sk}`));
      await poller.drain();
      return { deleted };
    }
    const job = scheduledWorkers.find((w) => w.name === name);
    if (!job || !existsSync(job.handlerFile)) return undefined;
    const result = await invoke(job.handlerFile, { source: 'local.timer', 'detail-type': 'Scheduled Event', time: clock.nowIso() });
    await poller.drain();
    return result ?? {};
  };

  const localRoutes: LocalRoute = async ({ method, path, body }) => {
    if (method === 'POST' && path === '/_local/clock') {
      let parsed: unknown;
      try { parsed = JSON.parse(body || '{}'); } catch { return { statusCode: 400, body: { error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } } }; }
      const r = localClockBody.safeParse(parsed);
      if (!r.success) return { statusCode: 400, body: { error: { code: 'validation_failed', message: 'Send {"advanceSeconds": a non-negative integer} or {"reset": true}.' } } };
      if ('reset' in r.data) clock.reset();
      else clock.advance(r.data.advanceSeconds);
      return { statusCode: 200, body: { now: clock.nowIso(), offsetSeconds: clock.offsetSeconds() } };
    }
    const m = /^\/_local\/jobs\/([\w-]+)$/.exec(path);
    if (method === 'POST' && m) {
      const result = await runJob(m[1]!);
      if (result === undefined) return { statusCode: 404, body: { error: { code: 'not_found', message: `No local job named ${m[1]}.` } } };
      return { statusCode: 200, body: { job: m[1], result } };
    }
    return undefined;
  };

  const server: Server = createApiServer(localRoutes);
  await new Promise<void>((resolve) => server.listen(opts.apiPort, host, resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.apiPort;

  const timers: NodeJS.Timeout[] = [];
  if (opts.background) {
    poller.start();
    for (const job of scheduledWorkers) {
      timers.push(setInterval(() => { void runJob(job.name).catch((err) => console.error(`[local] job ${job.name} failed`, err)); }, job.localIntervalSeconds * 1000));
    }
    // DynamoDB deletes expired items within hours; locally we sweep every minute.
    timers.push(setInterval(() => { void runJob('ttl-sweep').catch((err) => console.error('[local] ttl-sweep failed', err)); }, 60_000));
  }

  return {
    apiUrl: `http://${host}:${port}`,
    sesUrl: ses.url,
    dynamodbEndpoint: dynamo.url,
    tableName: opts.tableName,
    poller,
    drainStreams: () => poller.drain(),
    runJob,
    async stop() {
      for (const t of timers) clearInterval(t);
      await new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
      await poller.stop();
      for (const r of owned.reverse()) await r.stop();
    },
  };
}
