/**
 * The local HTTP front door: serves every route of the route table through the
 * same handler modules Lambda runs, with API Gateway HTTP API (payload 2.0) events.
 * `/_local/*` routes exist only here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { routes, handlerFile, type RouteDef } from '../shared/http/routes.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES, lambdaResponseBytes } from '../shared/lambda-limits.js';
import { invoke } from './invoke.js';
import { isStaticPath, serveStatic } from './static.js';

interface CompiledRoute {
  route: RouteDef;
  regex: RegExp;
  params: string[];
  specificity: number;
}

const compiled: CompiledRoute[] = (routes as readonly RouteDef[]).map((route) => {
  const params: string[] = [];
  const pattern = route.path.split('/').map((seg) => {
    const m = /^\{(\w+)\}$/.exec(seg);
    if (m) { params.push(m[1]!); return '([^/]+)'; }
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  return { route, regex: new RegExp(`^${pattern}$`), params, specificity: params.length };
  // Like API Gateway, a static segment beats a parameter (/members/export before /members/{userId}).
}).sort((a, b) => a.specificity - b.specificity);

export type LocalRoute = (req: { method: string; path: string; body: string }) => Promise<{ statusCode: number; body: unknown } | undefined>;

const MAX_BODY = 10 * 1024 * 1024; // API Gateway HTTP API's payload limit

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer) {
  res.writeHead(status, headers);
  res.end(body);
}

const jsonError = (code: string, message: string) =>
  JSON.stringify({ error: { code, message } });

/** A request as the front door sees it, before it is matched to a route. */
export interface FrontDoorRequest {
  method: string;
  url: URL;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string;
}

/** The route table entry serving `method` + `pathname`, with its path parameters' raw values. */
export function matchRoute(method: string, pathname: string): { match: CompiledRoute; values: string[] } | undefined {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.regex.exec(pathname);
    if (m) return { match: c, values: m.slice(1) };
  }
  return undefined;
}

/** The API Gateway HTTP API (payload 2.0) event for a matched request, as Lambda receives it. */
export function toEvent(req: FrontDoorRequest, match: CompiledRoute, values: string[]): APIGatewayProxyEventV2 {
  const headers = { ...req.headers };
  const { url, body } = req;
  // Like API Gateway (payload 2.0): cookies arrive in `cookies`, not among the headers.
  const cookies = headers.cookie?.split(';').map((c) => c.trim()).filter(Boolean);
  delete headers.cookie;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const pathParameters: Record<string, string> = {};
  match.params.forEach((p, i) => {
    try { pathParameters[p] = decodeURIComponent(values[i]!); } catch { pathParameters[p] = values[i]!; }
  });
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: `${match.route.method} ${match.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: match.params.length ? pathParameters : undefined,
    requestContext: {
      accountId: 'local', apiId: 'local', domainName: url.host, domainPrefix: 'local',
      http: { method: req.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(), routeKey: `${match.route.method} ${match.route.path}`, stage: '$default',
      time: new Date(now).toISOString(), timeEpoch: now,
    },
    cookies: cookies?.length ? cookies : undefined,
    body: body.length ? body.toString('utf8') : undefined,
    isBase64Encoded: false,
  };
}

/** What the front door answers: status, headers (Set-Cookie may repeat) and body bytes. */
export interface FrontDoorResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

/**
 * Everything the local front door does once a request has been read: `/_local`
 * routes, the static site, the route table through the handler modules, else 404.
 * The HTTP server wraps it; tests may call it in-process (test/support/when.ts).
 */
export async function frontDoor(req: FrontDoorRequest, localRoutes?: LocalRoute): Promise<FrontDoorResponse> {
  const { method, url, body } = req;
  if (url.pathname.startsWith('/_local/') && localRoutes) {
    const out = await localRoutes({ method, path: url.pathname, body: body.toString('utf8') });
    if (out) return { status: out.statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out.body) };
  }
  if ((method === 'GET' || method === 'HEAD') && isStaticPath(url.pathname)) {
    const file = await serveStatic(url.pathname);
    return { status: file.statusCode, headers: file.headers, body: method === 'HEAD' ? '' : file.body };
  }
  const found = matchRoute(method, url.pathname);
  if (!found) return { status: 404, headers: { 'content-type': 'application/json' }, body: jsonError('not_found', `No route for ${method} ${url.pathname}.`) };
  const event = toEvent(req, found.match, found.values);
  const result = (await invoke(handlerFile(found.match.route.operation), event)) as APIGatewayProxyStructuredResultV2;
  // Like Lambda: a response document over the limit fails the invocation, and API Gateway answers 500.
  const size = lambdaResponseBytes(result);
  if (size > LAMBDA_RESPONSE_LIMIT_BYTES) {
    console.error(`[local] ${found.match.route.operation}: a response of ${size} bytes exceeds Lambda's ${LAMBDA_RESPONSE_LIMIT_BYTES}; API Gateway answers 500`);
    return { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Internal Server Error' }) };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) if (v !== undefined) headers[k] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const payload = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  return { status: result.statusCode ?? 200, headers, body: payload };
}

export function createApiServer(localRoutes: LocalRoute): Server {
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const body = await readBody(req);
      if (body === 'too_large') {
        return send(res, 413, { 'content-type': 'application/json' }, jsonError('payload_too_large', 'The request body is too large.'));
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const out = await frontDoor({ method, url, headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' }, localRoutes);
      send(res, out.status, out.headers, out.body);
    } catch (err) {
      console.error('[local] request failed', err);
      send(res, 500, { 'content-type': 'application/json' }, jsonError('internal_error', 'Something went wrong on our side.'));
    }
  });
}
