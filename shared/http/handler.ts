/**
 * The one middleware stack. A handler declares its operation (which brings its
 * route: schemas, auth, permission) and a plain async core; the stack does the rest,
 * in this order:
 *
 *   request log → security headers → error mapper → header normaliser →
 *   same-origin guard (cookie routes) → body parser → zod validation →
 *   authentication + authorization → core
 *
 * (middy runs `onError`/`after` in reverse, so the error mapper shapes an error
 * first, the security headers are then added to it, and the log line comes last.)
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z, ZodError, type ZodType } from 'zod';
import { config } from '../config.js';
import { AppError, NotFoundError, OAuthError, UnauthenticatedError, ValidationError, isThrottling, toAppError } from '../errors.js';
import { verifyAccessToken } from '../auth/access-tokens.js';
import { resolveAccess, type Access } from '../domain/access.js';
import { logger } from '../logger.js';
import { clientSource } from './client-source.js';
import { assertCsrfHeader, assertSameOrigin, parseCookies } from './cookies.js';
import { isWellFormedParam, routeFor, type Operation, type RouteDef, type RouteFor } from './routes.js';
import type { HttpResult } from './responses.js';

type Infer<T> = T extends ZodType ? z.output<T> : undefined;

export interface Request<R extends RouteDef> {
  body: R extends { body: ZodType } ? Infer<R['body']> : undefined;
  query: R extends { query: ZodType } ? Infer<R['query']> : Record<string, string | undefined>;
  params: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** Present on authenticated routes; on 'optional-user' routes only when a token was sent. */
  access: R extends { auth: 'none' | 'optional-user' } ? Access | undefined : Access;
  /** Raw body as received (after base64 decoding). */
  rawBody: string;
  requestId: string;
  /** Did the request come as an HTML form post? */
  isForm: boolean;
  /** The caller's address as abuse limits count it (shared/http/client-source.ts). */
  source: string;
  /** Request cookies; only the Console's session routes read one (shared/http/cookies.ts). */
  cookies: Record<string, string>;
  /** Milliseconds left before Lambda's timeout (long-running cores stop in time to answer). */
  remainingTimeMs: () => number;
}

/** The JSON body a route answers with, from its response schema. */
type ResponseBody<R extends RouteDef> = R extends { response: ZodType } ? z.input<R['response']> : never;

export type Core<Op extends Operation> = (req: Request<RouteFor<Op>>) => Promise<HttpResult<ResponseBody<RouteFor<Op>>>>;

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** What the stack learns about a request on its way to the core. */
interface Parsed {
  params: Record<string, string>;
  raw: string;
  isForm: boolean;
  bodyValue?: unknown;
  body?: unknown;
  query?: unknown;
  access?: Access;
  startedAt: number;
}

type Middleware = middy.MiddlewareObj<Event, Result, Error, Context>;
// Per-request state, keyed by the event object (local mode serves requests concurrently in one process).
const states = new WeakMap<Event, Parsed>();
const state = (request: middy.Request<Event, Result, Error, Context>) => states.get(request.event)!;

const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";
// A page's form may end in a 303 to a host product (the sign-in hand-off), and browsers hold redirects after a form post to form-action too.
const handoffOrigins = [...new Set(config.allowedRedirectUris.map((u) => new URL(u).origin))];
const HTML_CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action ${["'self'", ...handoffOrigins].join(' ')}; base-uri 'none'; frame-ancestors 'none'`;
const BASE_HEADERS = { 'cache-control': 'no-store' };

// ---- the middlewares ----------------------------------------------------------

/** One structured line per request: route pattern, status, principal, duration — never the raw path. */
const requestLog = (route: RouteDef): Middleware => {
  const log = (request: middy.Request<Event, Result, Error, Context>) => {
    const parsed = state(request);
    const p = parsed?.access?.principal;
    logger.info('request', {
      operation: route.operation,
      route: `${route.method} ${route.path}`,
      statusCode: request.response?.statusCode,
      principalId: p ? (p.type === 'user' ? p.userId : p.clientId) : undefined,
      durationMs: parsed ? Math.round(performance.now() - parsed.startedAt) : undefined,
    });
  };
  return {
    before: (request) => {
      states.set(request.event, { params: {}, raw: '', isForm: false, startedAt: performance.now() });
    },
    after: log,
    onError: log,
  };
};

function toOAuthError(err: unknown): OAuthError | undefined {
  if (err instanceof OAuthError) return err;
  if (err instanceof ValidationError) return new OAuthError('invalid_request', err.message);
  if (err instanceof AppError && err.statusCode === 415) return new OAuthError('invalid_request', err.message);
  return undefined;
}

/** Typed errors (DynamoDB throttling becomes one: 429) → the contract's shape (or RFC 6749 §5.2 on OAuth routes); anything else → a bare 500. */
const errorMapper = (route: RouteDef): Middleware => ({
  onError: (request) => {
    const requestId = request.context.awsRequestId;
    if (isThrottling(request.error)) logger.warn('dynamodb throttled', { operation: route.operation, error: (request.error as Error).name });
    const err = toAppError(request.error) ?? request.error;
    const headers = { ...BASE_HEADERS, 'content-type': 'application/json', 'x-request-id': requestId, 'content-security-policy': JSON_CSP };
    const oauth = route.oauth ? toOAuthError(err) : undefined;
    if (oauth) {
      request.response = { statusCode: oauth.statusCode, headers: { ...headers, pragma: 'no-cache', ...oauth.headers }, body: JSON.stringify(oauth.toJSON()) };
    } else if (err instanceof AppError) {
      request.response = { statusCode: err.statusCode, headers: { ...headers, ...err.headers }, body: JSON.stringify(err.toJSON()) };
    } else {
      logger.error('unhandled error', { operation: route.operation, error: err as Error });
      request.response = {
        statusCode: 500,
        headers,
        body: JSON.stringify({ error: { code: 'internal_error', message: 'Something went wrong on our side.', details: { requestId } } }),
      };
    }
  },
});

/** A path id of the wrong shape names nothing: 404 before any I/O (formats in routes.ts). */
const pathParams: Middleware = {
  before: (request) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.event.pathParameters ?? {})) {
      if (v === undefined || !isWellFormedParam(k, v)) throw new NotFoundError();
      out[k] = v;
    }
    state(request).params = out;
  },
};

/** JSON bodies (and form posts where a page or the OAuth endpoints take them), with a size cap. */
const bodyParser = (route: RouteDef): Middleware => ({
  before: (request) => {
    const { event } = request;
    const parsed = state(request);
    const raw = event.body === undefined || event.body === null
      ? ''
      : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    if (Buffer.byteLength(raw, 'utf8') > config.maxBodyBytes) {
      throw new AppError(413, 'payload_too_large', `The request body exceeds ${config.maxBodyBytes} bytes.`);
    }
    parsed.raw = raw;
    if (raw.trim() === '') return;
    const contentType = (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType === 'application/x-www-form-urlencoded') {
      // Forms only where our own pages post them or RFC 6749 wants them; never where a cookie authenticates.
      if ((!route.oauth && route.auth !== 'none' && route.auth !== 'optional-user') || route.sessionCookie) {
        throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
      }
      parsed.bodyValue = Object.fromEntries(new URLSearchParams(raw));
      parsed.isForm = true;
      return;
    }
    if (contentType !== '' && contentType !== 'application/json' && !contentType.endsWith('+json')) {
      throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
    }
    try {
      parsed.bodyValue = JSON.parse(raw);
    } catch {
      throw new ValidationError('The request body is not valid JSON.', undefined, 'malformed_json');
    }
  },
});

function zodFields(err: ZodError, prefix: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || prefix || 'body';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** zod validation of the body and query string against the route's schemas. */
const validator = (route: RouteDef): Middleware => ({
  before: (request) => {
    const parsed = state(request);
    if (route.body) {
      const input = parsed.bodyValue === undefined && route.bodyOptional ? {} : parsed.bodyValue;
      if (input === undefined) throw new ValidationError('A JSON request body is required.', { body: 'required' });
      const r = route.body.safeParse(input);
      if (!r.success) throw new ValidationError('The request body is not valid.', zodFields(r.error, ''));
      parsed.body = r.data;
    }
    const query = request.event.queryStringParameters ?? {};
    if (route.query) {
      const r = route.query.safeParse(query);
      if (!r.success) throw new ValidationError('The query string is not valid.', zodFields(r.error, 'query'));
      parsed.query = r.data;
    } else {
      parsed.query = query;
    }
  },
});

function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  const h = headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(h);
  if (!m) throw new UnauthenticatedError('Use the Authorization: Bearer <access_token> header.');
  return m[1];
}

/** Routes that honour the session cookie answer our own origin only, and (`csrf`) a page that can set a header. */
const sameOriginGuard = (route: RouteDef): Middleware => ({
  before: (request) => {
    if (!route.sessionCookie) return;
    const headers = request.event.headers as Record<string, string | undefined>;
    assertSameOrigin(headers);
    if (route.sessionCookie === 'csrf') assertCsrfHeader(headers);
  },
});

/** Verifies the bearer token and resolves what the caller may do here (shared/domain/access.ts). */
const authenticator = (route: RouteDef): Middleware => ({
  before: async (request) => {
    if (route.auth === 'none') return;
    const token = bearerToken(request.event.headers as Record<string, string | undefined>);
    if (!token) {
      if (route.auth === 'optional-user') return;
      throw new UnauthenticatedError();
    }
    const principal = await verifyAccessToken(token);
    state(request).access = await resolveAccess(route, principal, state(request).params.ws);
  },
});

/** Our own CSP: pages may post forms to us and use inline styles; JSON gets nothing. */
const contentSecurityPolicy: Middleware = {
  after: (request) => {
    const res = request.response;
    if (!res) return;
    const isHtml = String(res.headers?.['content-type'] ?? '').includes('text/html');
    res.headers = { 'content-security-policy': isHtml ? HTML_CSP : JSON_CSP, ...res.headers };
  },
};

/**
 * Test-suite guard: a success answer that its response schema (and so /openapi.json and
 * the Console's generated types) does not describe fails loudly, extra fields included.
 */
function checkResponse(route: RouteDef, result: HttpResult): void {
  if (!route.response || result.raw !== undefined || result.body === undefined || result.statusCode >= 300) return;
  const check = route.response.safeParse(result.body);
  if (check.success) return;
  const problem = `Response of ${route.operation} does not match its schema: ${JSON.stringify(check.error.issues)}`;
  process.stderr.write(`${problem}\n`);
  throw new Error(problem);
}

function toResponse(result: HttpResult, requestId: string): Result {
  const headers: Record<string, string> = { ...BASE_HEADERS, 'x-request-id': requestId, ...result.headers };
  // API Gateway (payload 2.0) sends each entry of `cookies` as its own Set-Cookie header.
  if (result.cookies) return { ...toResponse({ ...result, cookies: undefined }, requestId), cookies: result.cookies };
  if (result.raw !== undefined) {
    headers['content-type'] = result.contentType ?? 'text/plain; charset=utf-8';
    if (Buffer.isBuffer(result.raw)) {
      return { statusCode: result.statusCode, headers, body: result.raw.toString('base64'), isBase64Encoded: true };
    }
    return { statusCode: result.statusCode, headers, body: result.raw };
  }
  if (result.body === undefined) return { statusCode: result.statusCode, headers };
  headers['content-type'] = 'application/json';
  return { statusCode: result.statusCode, headers, body: JSON.stringify(result.body) };
}

// ---- the factory -------------------------------------------------------------

export function httpHandler<Op extends Operation>(operation: Op, core: Core<Op>) {
  const route = routeFor(operation) as RouteDef;
  const handler = middy<Event, Result, Error, Context>()
    .use(requestLog(route))
    .use(httpSecurityHeaders({ contentSecurityPolicy: false, poweredBy: { server: '' } } as never))
    .use(errorMapper(route))
    .use(contentSecurityPolicy)
    .use(httpHeaderNormalizer())
    .use(sameOriginGuard(route))
    .use(pathParams)
    .use(bodyParser(route))
    .use(validator(route))
    .use(authenticator(route))
    .handler(async (event, context) => {
      const parsed = states.get(event)!;
      const result = await core({
        body: parsed.body,
        query: parsed.query,
        params: parsed.params,
        headers: event.headers as Record<string, string | undefined>,
        access: parsed.access,
        rawBody: parsed.raw,
        requestId: context.awsRequestId,
        isForm: parsed.isForm,
        source: clientSource(event.requestContext?.http?.sourceIp),
        cookies: parseCookies(event.cookies, event.headers.cookie),
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
      } as unknown as Request<RouteFor<Op>>);
      if (config.checkResponses) checkResponse(route, result);
      return toResponse(result, context.awsRequestId);
    });
  return handler;
}
