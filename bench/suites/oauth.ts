/**
 * The client-credentials token endpoint, side by side, in one run on one machine,
 * over loopback, 16 connections, BENCH_SECONDS (default 20) per phase:
 *  (a) our POST /oauth/token through local mode (the Lambda handler modules);
 *  (b) oidc-provider with a small DynamoDB adapter on the same DynamoDB Local — the
 *      fair peer: its client is read from and its token written to DynamoDB;
 *  (c) the same oidc-provider with its in-memory adapter (an upper bound);
 *  (d) the floor: raw GetItem + PutItem pairs against that DynamoDB Local.
 * Every server runs on this process's main thread and the load generator
 * (autocannon) on a worker thread, so (a)–(c) get the same CPU budget.
 * Our DynamoDB cost per token is metered separately (ReturnConsumedCapacity).
 */
import autocannon from 'autocannon';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { exportJWK, generateKeyPair } from 'jose';
import { benchContext, percentile, round } from '../context.js';
import { ensureTable } from '../../local/table.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Math.min(3, Math.max(1, Math.floor(SECONDS / 5)));
const CONNECTIONS = 16;

const ctx = await benchContext('oauth');

// Imported after benchContext(): the service modules read their configuration at load.
const { transact } = await import('../../shared/data/core.js');
const { putAppUserPart, exampleAppUser } = await import('../../shared/data/app-users.js');
const { hashToken, newToken } = await import('../../shared/auth/secrets.js');
const { newId } = await import('../../shared/ids.js');
const { startCapacityMeter } = await import('../../shared/data/capacity-meter.js');
const { default: Provider } = await import('oidc-provider');
type ClientMetadata = import('oidc-provider').ClientMetadata;

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({
  endpoint: ctx.dynamodbEndpoint, region: 'us-east-1', maxAttempts: 3, credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
}), { marshallOptions: { removeUndefinedValues: true } });

// ---- the load: one form-encoded client_credentials request, as any OAuth client sends it ----

interface Phase { name: string; rps: number; p50: number; p99: number; ok: number; errors: number }

async function load(name: string, url: string, body: string): Promise<Phase> {
  const run = (duration: number) => autocannon({
    url, method: 'POST', connections: CONNECTIONS, duration, workers: 1,
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
  });
  await run(WARMUP_SECONDS);
  const r = await run(SECONDS);
  const ok = r['2xx'];
  return {
    name, rps: round(ok / SECONDS), p50: r.latency.p50, p99: r.latency.p99, ok, errors: r.non2xx + r.errors + r.timeouts,
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

// ---- (a) ours ------------------------------------------------------------------

const ours = { clientId: newId('app'), clientSecret: newToken('rsk_') };
await transact([putAppUserPart(exampleAppUser({
  clientId: ours.clientId, workspaceId: newId('ws'), secretHash: await hashToken(ours.clientSecret),
}))]);
const oursBody = new URLSearchParams({ grant_type: 'client_credentials', client_id: ours.clientId, client_secret: ours.clientSecret }).toString();

// Our DynamoDB cost per token, measured on its own so the meter does not perturb the timed phase.
async function capacityPerToken(samples = 100) {
  const meter = startCapacityMeter();
  for (let i = 0; i < samples; i++) {
    const res = await fetch(`${ctx.runtime.apiUrl}/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: oursBody,
    });
    if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  }
  const s = meter.snapshot();
  meter.stop();
  return { rcu: round(s.rcu / samples, 2), wcu: round(s.wcu / samples, 2), calls: round(s.calls / samples, 2) };
}

// ---- (b)/(c) oidc-provider ---------------------------------------------------------

/**
 * A minimal, complete oidc-provider adapter on DynamoDB: one item per model
 * instance, consistent reads, expiry by TTL, grant lookups through GSI1.
 */
function dynamoAdapter(table: string) {
  return class DynamoAdapter {
    constructor(private readonly model: string) {}
    private key(id: string) { return { PK: `OIDC#${this.model}#${id}`, SK: 'OIDC' }; }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      const grant = typeof payload.grantId === 'string' ? { GSI1PK: `OIDCGRANT#${payload.grantId}`, GSI1SK: `${this.model}#${id}` } : {};
      const ttl = expiresIn ? { ttl: Math.floor(Date.now() / 1000) + expiresIn } : {};
      await dynamo.send(new PutCommand({ TableName: table, Item: { ...this.key(id), payload, ...grant, ...ttl } }));
    }
    async find(id: string) {
      const out = await dynamo.send(new GetCommand({ TableName: table, Key: this.key(id), ConsistentRead: true }));
      if (!out.Item || (typeof out.Item.ttl === 'number' && out.Item.ttl <= Date.now() / 1000)) return undefined;
      return out.Item.payload as Record<string, unknown>;
    }
    async findByUid() { return undefined; }
    async findByUserCode() { return undefined; }
    async consume(id: string) {
      await dynamo.send(new UpdateCommand({
        TableName: table, Key: this.key(id), UpdateExpression: 'SET payload.consumed = :now',
        ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
      }));
    }
    async destroy(id: string) { await dynamo.send(new DeleteCommand({ TableName: table, Key: this.key(id) })); }
    async revokeByGrantId(grantId: string) {
      const out = await dynamo.send(new QueryCommand({
        TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :g', ExpressionAttributeValues: { ':g': `OIDCGRANT#${grantId}` },
      }));
      for (const i of out.Items ?? []) await dynamo.send(new DeleteCommand({ TableName: table, Key: { PK: i.PK, SK: i.SK } }));
    }
  };
}

async function startOidcProvider(durable: boolean) {
  const server = createServer();
  const issuer = await listen(server);
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const client: ClientMetadata & { client_id: string; client_secret: string } = {
    client_id: `bench-${randomBytes(4).toString('hex')}`,
    client_secret: randomBytes(32).toString('base64url'),
    grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_post', id_token_signed_response_alg: 'ES256',
  };
  const table = `bench_oidc_${randomBytes(4).toString('hex')}`;
  const Adapter = durable ? dynamoAdapter(table) : undefined;
  if (Adapter) {
    await ensureTable(ctx.dynamodbEndpoint, table);
    // A dynamic client, read from DynamoDB on every request like ours.
    await new Adapter('Client').upsert(client.client_id, client);
  }
  const provider = new Provider(issuer, {
    ...(Adapter ? { adapter: Adapter } : { clients: [client] }),
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { ClientCredentials: 3600 },
  });
  server.on('request', provider.callback());
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString();
  const probe = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  if (probe.status !== 200) throw new Error(`oidc-provider probe failed: ${probe.status} ${await probe.text()}`);
  return { url: `${issuer}/token`, body, stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

// ---- (d) the floor ---------------------------------------------------------------

async function rawPairs(): Promise<{ warm(): Promise<void>; measure(): Promise<Phase> }> {
  const table = `bench_raw_${randomBytes(4).toString('hex')}`;
  await ensureTable(ctx.dynamodbEndpoint, table);
  const key = { PK: `RAW#${randomBytes(8).toString('hex')}`, SK: 'RAW' };
  // Item sizes like the token path's: a client record read, a token record written.
  await dynamo.send(new PutCommand({ TableName: table, Item: { ...key, blob: randomBytes(300).toString('base64') } }));
  const pair = async () => {
    await dynamo.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    await dynamo.send(new PutCommand({ TableName: table, Item: { PK: `RAW#${randomBytes(16).toString('hex')}`, SK: 'RAW', blob: randomBytes(200).toString('base64') } }));
  };
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    const until = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await pair();
        latencies.push(performance.now() - t0);
      }
    }));
    return latencies;
  };
  return {
    warm: async () => { await run(WARMUP_SECONDS); },
    async measure() {
      await run(WARMUP_SECONDS);
      const latencies = await run(SECONDS);
      return {
        name: '(d) raw GetItem+PutItem', rps: round(latencies.length / SECONDS), p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)),
        ok: latencies.length, errors: 0,
      };
    },
  };
}

// ---- the run -----------------------------------------------------------------------

// A fresh DynamoDB Local JVM is several times slower until its JIT has warmed up; no phase should pay for that.
const floor = await rawPairs();
await floor.warm();

const phases: Phase[] = [];
phases.push(await load('(a) Roster /oauth/token', `${ctx.runtime.apiUrl}/oauth/token`, oursBody));

const durable = await startOidcProvider(true);
phases.push(await load('(b) oidc-provider + DynamoDB', durable.url, durable.body));
await durable.stop();

const memory = await startOidcProvider(false);
phases.push(await load('(c) oidc-provider in-memory', memory.url, memory.body));
await memory.stop();

phases.push(await floor.measure());
const perToken = await capacityPerToken();

ctx.report(`client_credentials tokens, ${CONNECTIONS} connections, ${SECONDS} s per phase`, phases.map((p) => ({
  phase: p.name, 'req/s': p.rps, 'p50 ms': p.p50, 'p99 ms': p.p99, ok: p.ok, errors: p.errors,
})));
const [a, b, , d] = phases as [Phase, Phase, Phase, Phase];
ctx.report('ratios and cost', [
  { measure: 'a/b (ours vs the durable peer)', value: round(a.rps / b.rps, 2) },
  { measure: 'a/d (ours vs the DynamoDB Local floor)', value: round(a.rps / d.rps, 2) },
  { measure: 'our DynamoDB calls per token', value: perToken.calls },
  { measure: 'our RCU per token', value: perToken.rcu },
  { measure: 'our WCU per token', value: perToken.wcu },
]);
await ctx.done();
