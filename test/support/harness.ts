/**
 * Test harness: local mode (the same handler modules, the same HTTP front door)
 * on a free port, against the run's DynamoDB Local and SES emulator, with this
 * file's own table. given/when/then helpers build on it.
 */
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';

export interface Harness {
  runtime: LocalRuntime;
  url: string;
  request(method: string, path: string, opts?: RequestOptions): Promise<TestResponse>;
  drain(): Promise<void>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** 'manual': answer a redirect as it is (status, Location, Set-Cookie) instead of following it. */
  redirect?: 'manual';
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // Tests read whatever shape the route returns.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/**
 * `port`: listen on a chosen port, e.g. one that PUBLIC_URL (the token issuer) already names.
 * `sesEndpoint`: send email elsewhere than the run's SES emulator (e.g. through test/support/ses-outage.ts).
 */
export async function startHarness(opts: { port?: number; sesEndpoint?: string } = {}): Promise<Harness> {
  const runtime = await startLocal({
    apiPort: opts.port ?? 0,
    dynamodb: { endpoint: inject('dynamodbEndpoint') },
    ses: { endpoint: opts.sesEndpoint ?? inject('sesEndpoint') },
    tableName: process.env.TABLE_NAME!,
    publicUrl: process.env.PUBLIC_URL,
    dataDir: inject('dataDir'),
  });
  const url = runtime.apiUrl;
  return {
    runtime,
    url,
    drain: () => runtime.drainStreams(),
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | Buffer | undefined;
      if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${url}${path}`, { method, headers, body, redirect: opts.redirect ?? 'follow' });
      const text = await res.text();
      let json: unknown;
      try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
      return { status: res.status, headers: res.headers, text, json };
    },
  };
}

/** A unique address per test, so parallel files never read each other's mail. */
export const uniqueEmail = (name = 'user') => `${name}.${randomBytes(5).toString('hex')}@example.com`;
