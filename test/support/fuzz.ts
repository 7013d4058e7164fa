/**
 * Schema-driven fuzzing of every route in the route table (fast-check): hostile
 * path parameters, bodies, query strings, headers and content types, with and
 * without valid tokens, sent in-process to the same handler modules Lambda runs.
 *
 * For every request: no 5xx; an error answers in the contract's shape (RFC 6749 on
 * the OAuth endpoints; an HTML page only where a route serves pages); and a rejected
 * request changed nothing — no write reached DynamoDB (a middleware on the one
 * client records every successful write) and the fixture workspace's partitions
 * read back identical.
 */
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { z, type ZodType } from 'zod';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { invoke } from '../../local/invoke.js';
import { routes, handlerFile, type RouteDef } from '../../shared/http/routes.js';
import { catalog } from '../../shared/catalog.js';
import { BUILT_IN_ROLE_IDS } from '../../shared/domain/permissions.js';
import { db, tableName } from '../../shared/data/client.js';
import { recordingWrites } from './writes.js';

// ---- JSON text that JSON.stringify cannot write ----------------------------------

/** A JSON fragment written as-is: 1e400, 20,000 levels of nesting, duplicate or prototype keys. */
class Raw {
  constructor(readonly text: string) {}
}
/** An object as written, key by key (so `__proto__` and duplicates survive into the text). */
class Entries {
  constructor(readonly entries: [string, Json][]) {}
}
type Json = null | boolean | number | string | Raw | Entries | Json[];

function jsonText(v: Json): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Entries) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  return JSON.stringify(v);
}

// ---- hostile values ------------------------------------------------------------

const hostileNumber = fc.constantFrom('1e400', '-1e400', '1e20', '1e-200', '-0', '1.7976931348623157e308', '5e-324',
  '123456789012345678901234567890', '9007199254740993', '-1', '0', '0.5', '1e2').map((t) => new Raw(t));

const specialStrings = ['', ' ', '\u0000', '\r\nX-Injected: 1', '\ud800', '\udfff', 'a\u202eb', '€'.repeat(400), '<script>alert(1)</script>',
  "' OR '1'='1", '${7*7}', '../../etc/passwd', '__proto__', 'constructor', 'ws_01JEXAMPLE0000000000000000', 'usr_01JEXAMPLE0000000000000000',
  'owner', 'admin', 'true', 'null', '=cmd|/c calc', 'a@b', 'x@example.com', 'x@example.com, y@example.com;z@example.com\nw@example.com'];

/** Runs of one character, 1–4 bytes in UTF-8, around DynamoDB's 1,024-byte key and 400 KB item limits. */
const longRun = fc.tuple(fc.constantFrom('a', 'é', '€', '𝄞', '\u0000'), fc.oneof(fc.integer({ min: 100, max: 1_100 }), fc.integer({ min: 1_100, max: 30_000 })))
  .map(([c, n]) => c.repeat(n));

/** Few characters, many bytes: just past DynamoDB's 1,024-byte key limit while short in characters. */
const keyBuster = fc.tuple(fc.constantFrom('é', '€', '𝄞'), fc.integer({ min: 0, max: 150 }))
  .map(([c, extra]) => c.repeat(Math.ceil(1_025 / Buffer.byteLength(c)) + extra));

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: keyBuster },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...specialStrings) },
  { weight: 2, arbitrary: longRun },
);

const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', '__defineGetter__'];

const deep = fc.integer({ min: 6, max: 20_000 }).chain((n) => fc.constantFrom(
  new Raw('['.repeat(n) + ']'.repeat(n)),
  new Raw('{"a":'.repeat(n) + '1' + '}'.repeat(n)),
));

const hostileJson: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: hostileNumber },
    { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false) },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(fc.oneof(hostileString, fc.constantFrom(...prototypeKeys)), tie('value')), { maxLength: 4 })
        .map((e) => new Entries(e)),
    },
  ),
})).value;

/** An object of anything: hostile keys, out-of-range numbers, nesting past any depth limit. */
const freeForm: fc.Arbitrary<Json> = fc.array(fc.tuple(
  fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...prototypeKeys)),
  fc.oneof({ weight: 3, arbitrary: hostileNumber }, { weight: 2, arbitrary: hostileJson }, { weight: 1, arbitrary: deep }),
), { minLength: 1, maxLength: 5 }).map((e) => new Entries(e));

// ---- values shaped by the route's own schemas -----------------------------------

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
}

const jsonSchemaOf = (schema: ZodType): JsonSchema => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** A value of the schema's shape, at or just past its bounds; one in five replaced by something hostile. */
function fromSchema(s: JsonSchema, depth = 0): fc.Arbitrary<Json> {
  const shaped = shapedBy(s, depth);
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: hostileJson });
}

function shapedBy(s: JsonSchema, depth: number): fc.Arbitrary<Json> {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => fromSchema(a, depth + 1)));
  if (s.const !== undefined) return fc.constant(s.const as Json);
  if (s.enum) return fc.constantFrom(...(s.enum as Json[]));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'email') return fc.oneof(fc.emailAddress(), hostileString);
      return fc.oneof(
        fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) }),
        fc.constant('x'.repeat((s.maxLength ?? 200) + 1)),
      );
    case 'integer':
    case 'number': {
      const min = s.minimum ?? -1e6;
      const max = s.maximum ?? 1e6;
      return fc.oneof(fc.integer({ min: Math.max(min - 1, -(2 ** 52)), max: Math.min(max + 1, 2 ** 52) }), fc.constantFrom(min, max));
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(fromSchema(s.items ?? {}, depth + 1), { maxLength: Math.min((s.maxItems ?? 4) + 1, 6) });
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) return freeForm;
      const required = new Set(s.required ?? []);
      return fc.tuple(
        ...props.map(([k, v]) => fc.option(fromSchema(v, depth + 1), { freq: required.has(k) ? 10 : 2 }).map((x) => [k, x] as const)),
        fc.array(fc.tuple(fc.constantFrom(...prototypeKeys), hostileJson), { maxLength: 1 }),
      ).map((parts) => {
        const extra = parts.pop() as [string, Json][];
        const entries = (parts as (readonly [string, Json | null])[]).filter(([, x]) => x !== null) as [string, Json][];
        return new Entries([...entries, ...extra]);
      });
    }
    default:
      return hostileJson;
  }
}

// ---- requests ------------------------------------------------------------------

/** What the fuzzer may name: the fixture workspace's ids and the callers' tokens. */
export interface FuzzWorld {
  ws: string;
  ids: Record<string, string[]>;
  tokens: Record<string, string>;
}

export interface FuzzRequest {
  route: RouteDef;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: { text: string; base64: boolean } | undefined;
  sourceIp: string;
}

const paramNames = (r: RouteDef) => [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

function pathParam(world: FuzzWorld, name: string): fc.Arbitrary<string> {
  const known = name === 'ws' ? [world.ws] : name === 'appId' ? catalog.map((a) => a.id) : name === 'roleId'
    ? [...BUILT_IN_ROLE_IDS, ...(world.ids.roleId ?? [])] : world.ids[name] ?? [];
  return fc.oneof(
    // The workspace is the gate to every other check, so it is mostly one that exists.
    { weight: known.length === 0 ? 0 : name === 'ws' ? 24 : 5, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant('x') },
    { weight: 1, arbitrary: fc.stringMatching(/^(ws|usr|inv|int|app|role)_[0-9A-HJKMNP-TV-Z]{26}$/) },
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: longRun },
    { weight: 2, arbitrary: keyBuster },
  );
}

function bodyOf(route: RouteDef): fc.Arbitrary<FuzzRequest['body']> {
  const text = (a: fc.Arbitrary<Json>) => a.map((v) => ({ text: jsonText(v), base64: false }));
  const shaped = route.body ? jsonSchemaOf(route.body) : undefined;
  return fc.oneof(
    { weight: shaped ? 6 : 0, arbitrary: shaped ? text(fromSchema(shaped)) : fc.constant(undefined) },
    { weight: 2, arbitrary: text(hostileJson) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((t) => ({ text: t, base64: false })) },
    // Bytes that are not UTF-8, as API Gateway hands over binary bodies.
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((b) => ({ text: Buffer.from(b).toString('base64'), base64: true })) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 })
        .map((b) => ({ text: Buffer.concat([Buffer.from('{"name":"'), Buffer.from(b), Buffer.from('"}')]).toString('base64'), base64: true })),
    },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), hostileString, { maxKeys: 4 }).map((d) => ({ text: new URLSearchParams(d).toString(), base64: false })) },
    { weight: 1, arbitrary: fc.constantFrom(300_000, 1_100_000).map((n) => ({ text: `{"name":"${'x'.repeat(n)}"}`, base64: false })) },
  );
}

function queryOf(route: RouteDef): fc.Arbitrary<Record<string, string>> {
  const props = route.query ? Object.entries(jsonSchemaOf(route.query).properties ?? {}) : [];
  return fc.tuple(
    ...props.map(([k, s]) => fc.option(fc.oneof(shapedBy(s, 0).map((v) => (typeof v === 'string' ? v : jsonText(v))), hostileString), { freq: 2 })
      .map((v) => [k, v] as const)),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...prototypeKeys)), hostileString, { maxKeys: 2 }),
  ).map((parts) => {
    const extra = parts.pop() as Record<string, string>;
    const q: Record<string, string> = {};
    for (const [k, v] of Object.entries(extra)) Object.defineProperty(q, k, { value: v, enumerable: true, writable: true, configurable: true });
    for (const [k, v] of parts as (readonly [string, string | null])[]) if (v !== null) q[k] = v;
    return q;
  });
}

const contentTypes = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/scim+json', 'text/plain',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', ';;;', 'application/json; charset=latin1'];

function headersOf(world: FuzzWorld): fc.Arbitrary<Record<string, string>> {
  const tokens = Object.values(world.tokens);
  return fc.record({
    authorization: fc.option(fc.oneof(
      { weight: 16, arbitrary: fc.constantFrom(...tokens).map((t) => `Bearer ${t}`) },
      { weight: 1, arbitrary: hostileString.map((t) => `Bearer ${t}`) },
      { weight: 1, arbitrary: hostileString },
      { weight: 1, arbitrary: fc.constantFrom(...tokens).map((t) => `Bearer ${t.slice(0, -3)}AAA`) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((t) => `Basic ${Buffer.from(t).toString('base64')}`) },
    ), { freq: 4 }),
    'content-type': fc.option(fc.oneof(
      { weight: 12, arbitrary: fc.constant('application/json') },
      { weight: 3, arbitrary: fc.constantFrom(...contentTypes) },
      { weight: 1, arbitrary: hostileString },
    ), { freq: 8 }),
    accept: fc.option(fc.constantFrom('text/html', 'application/json', '*/*', 'text/html, application/json', '\u0000'), { freq: 3 }),
    cookie: fc.option(hostileString, { freq: 8 }),
    'x-roster-csrf': fc.option(fc.constantFrom('1', '0', ''), { freq: 8 }),
    'x-forwarded-for': fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), hostileString), { freq: 5 }),
  }, { requiredKeys: [] }).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== null && v !== undefined)) as Record<string, string>);
}

export function requestArbitrary(world: FuzzWorld, only?: readonly RouteDef[]): fc.Arbitrary<FuzzRequest> {
  const table = only ?? (routes as readonly RouteDef[]);
  const headers = headersOf(world);
  const sourceIp = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('', 'not-an-ip', '::ffff:127.0.0.1'));
  // Built once per route; routes with more to get wrong (path ids, a body, a query) are drawn more often.
  return fc.oneof(...table.map((route) => ({
    weight: 1 + paramNames(route).length + (route.body ? 2 : 0) + (route.query ? 1 : 0),
    arbitrary: fc.record({
      route: fc.constant(route),
      pathParameters: fc.tuple(...paramNames(route).map((n) => pathParam(world, n).map((v) => [n, v] as const)))
        .map((pairs) => Object.fromEntries(pairs)),
      query: queryOf(route),
      headers,
      body: route.method === 'GET' ? fc.constant(undefined) : bodyOf(route),
      sourceIp,
    }),
  })));
}

/** Lone surrogates cannot be percent-encoded; the raw path only matters for logs. */
const pathSegment = (v: string) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\ufffd'));

export function toEvent(r: FuzzRequest): APIGatewayProxyEventV2 {
  const rawPath = r.route.path.replace(/\{(\w+)\}/g, (_, n: string) => pathSegment(r.pathParameters[n] ?? ''));
  const rawQueryString = new URLSearchParams(Object.entries(r.query)).toString();
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: `${r.route.method} ${r.route.path}`,
    rawPath,
    rawQueryString,
    headers: r.headers,
    queryStringParameters: Object.keys(r.query).length > 0 ? r.query : undefined,
    pathParameters: Object.keys(r.pathParameters).length > 0 ? r.pathParameters : undefined,
    requestContext: {
      accountId: 'fuzz', apiId: 'fuzz', domainName: 'fuzz.local', domainPrefix: 'fuzz',
      http: { method: r.route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: r.sourceIp, userAgent: r.headers['user-agent'] ?? '' },
      requestId: `fuzz-${now}`, routeKey: `${r.route.method} ${r.route.path}`, stage: '$default', time: new Date(now).toISOString(), timeEpoch: now,
    },
    body: r.body?.text,
    isBase64Encoded: r.body?.base64 ?? false,
  };
}

// ---- "changed nothing" -----------------------------------------------------------

async function partitionDigest(pk: string): Promise<string> {
  const hash = createHash('sha256');
  let key: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({
      TableName: tableName(), KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true, ExclusiveStartKey: key,
    }));
    for (const item of out.Items ?? []) hash.update(JSON.stringify(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))));
    key = out.LastEvaluatedKey;
  } while (key);
  return hash.digest('hex');
}

// ---- the run -----------------------------------------------------------------------

export interface FuzzReport {
  requests: number;
  byStatus: Record<number, number>;
  serverErrors: number;
  /** First few findings of each kind, for the failure message. */
  findings: string[];
}

const describeRequest = (r: FuzzRequest) => JSON.stringify({
  route: `${r.route.method} ${r.route.path}`, params: r.pathParameters, query: r.query, headers: r.headers,
  body: r.body ? { ...r.body, text: r.body.text.slice(0, 200) } : undefined,
}).slice(0, 700);

const ERROR_CODE = /^[a-z][a-z0-9_]*$/;
const OAUTH_ERRORS = new Set(['invalid_client', 'invalid_grant', 'invalid_request', 'invalid_scope', 'unsupported_grant_type', 'unauthorized_client', 'slow_down']);

/** What is wrong with an error response's shape, if anything. */
function shapeProblem(r: FuzzRequest, res: APIGatewayProxyStructuredResultV2): string | undefined {
  const contentType = String(res.headers?.['content-type'] ?? '');
  if (contentType.startsWith('text/html')) {
    return r.route.path.includes('{token}') ? undefined : 'an HTML error from a route that serves no page';
  }
  if (!contentType.startsWith('application/json')) return `error with content-type ${contentType || 'none'}`;
  let body: unknown;
  try {
    body = JSON.parse(res.body ?? '');
  } catch {
    return 'error body is not JSON';
  }
  const b = body as Record<string, unknown>;
  if (r.route.oauth && typeof b.error === 'string') {
    return OAUTH_ERRORS.has(b.error) && typeof b.error_description === 'string' ? undefined : `bad OAuth error ${res.body}`;
  }
  const e = b.error as Record<string, unknown> | undefined;
  if (!e || Object.keys(b).length !== 1) return `not { error: … }: ${res.body?.slice(0, 200)}`;
  if (typeof e.code !== 'string' || !ERROR_CODE.test(e.code)) return `error.code ${String(e.code)}`;
  if (typeof e.message !== 'string' || e.message.length === 0) return 'error.message missing';
  if (e.details !== undefined && (typeof e.details !== 'object' || e.details === null || Array.isArray(e.details))) return 'error.details not an object';
  if (res.statusCode === 429 && !res.headers?.['retry-after']) return '429 without Retry-After';
  return undefined;
}

/**
 * Send `requests` generated requests, one at a time, and check each. `seed` makes a
 * run repeatable (a failure message names it).
 */
export async function fuzzRoutes(world: FuzzWorld, opts: { requests: number; seed: number; only?: readonly RouteDef[] }): Promise<FuzzReport> {
  const report: FuzzReport = { requests: 0, byStatus: {}, serverErrors: 0, findings: [] };
  const note = (kind: string, r: FuzzRequest, detail: string) => {
    if (report.findings.filter((f) => f.startsWith(kind)).length < 5) report.findings.push(`${kind}: ${detail} — ${describeRequest(r)}`);
  };
  const watched = [`WS#${world.ws}`, `AUDIT#${world.ws}`];
  const snapshot = async () => (await Promise.all(watched.map(partitionDigest))).join();
  // The fixture workspace's partitions as last read; undefined once a request may have changed them.
  let known: string | undefined;
  await fc.assert(fc.asyncProperty(requestArbitrary(world, opts.only), async (r) => {
    const reachesFixture = r.pathParameters.ws === world.ws || r.route.path.includes('{token}');
    const before = reachesFixture ? (known ??= await snapshot()) : undefined;
    const { result: res, written } = await recordingWrites(async (): Promise<APIGatewayProxyStructuredResultV2> => {
      try {
        return (await invoke(handlerFile(r.route.operation), toEvent(r))) as APIGatewayProxyStructuredResultV2;
      } catch (err) {
        // A handler that throws instead of answering is a 502 behind API Gateway.
        return { statusCode: 502, body: String(err) };
      }
    });
    const status = res.statusCode ?? 200;
    report.requests += 1;
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
    if (status >= 500) {
      report.serverErrors += 1;
      note('5xx', r, `${status} ${res.body?.slice(0, 200)}`);
    }
    if (status < 400) {
      known = undefined;
      return;
    }
    const problem = shapeProblem(r, res);
    if (problem) note('shape', r, `${status} ${problem}`);
    if (written.length > 0) note('wrote', r, `${status} but wrote ${written.join(', ')}`);
    if (before !== undefined) {
      known = await snapshot();
      if (known !== before) note('changed', r, `${status} but the fixture workspace's items changed`);
    }
  }), { numRuns: opts.requests, seed: opts.seed, endOnFailure: true });
  return report;
}
