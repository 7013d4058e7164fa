/**
 * The one middleware stack. A handler declares its operation (which brings its
 * route: schema, auth, permission) and a plain async core; everything else —
 * header normalisation, body parsing, validation, authentication, authorization,
 * error mapping, security headers, request id, structured logs — happens here.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z, ZodError, type ZodType } from 'zod';
import { config } from '../config.js';
import { AppError, NotFoundError, OAuthError, UnauthenticatedError, ValidationError } from '../errors.js';
import { verifyAccessToken, type Principal } from '../auth/access-tokens.js';
import { resolveAccess, type Access } from '../domain/access.js';
import { logger } from '../logger.js';
import { routeFor, type Operation, type RouteDef, type RouteFor } from './routes.js';
import type { HttpResult } from './responses.js';

type Infer<T> = T extends ZodType ? z.output<T> : undefined;

export interface Request<R extends RouteDef> {
  body: R extends { body: ZodType } ? Infer<R['body']> : undefined;
  query: R extends { query: ZodType } ? Infer<R['query']> : Record<string, string | undefined>;
  params: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** Present on authenticated routes; on 'optional-user' routes only when a token was sent. */
  access: R extends { auth: 'none' | 'optional-user' } ? Access | undefined : Access;
  /** Raw body as received (after base64 decoding), for handlers that must see it. */
  rawBody: string;
  requestId: string;
  /** Did the request come as an HTML form post? */
  isForm: boolean;
}

export type Core<Op extends Operation> = (req: Request<RouteFor<Op>>) => Promise<HttpResult>;

const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function zodFields(err: ZodError, prefix: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || prefix;
    fields[key] ??= issue.message;
  }
  return fields;
}

function parseBody(route: RouteDef, event: APIGatewayProxyEventV2): { value: unknown; raw: string; isForm: boolean } {
  const raw = event.body === undefined || event.body === null
    ? ''
    : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > config.maxBodyBytes) {
    throw new AppError(413, 'payload_too_large', `The request body exceeds ${config.maxBodyBytes} bytes.`);
  }
  const contentType = (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.trim() === '') return { value: undefined, raw, isForm: false };
  if (contentType === 'application/x-www-form-urlencoded') {
    return { value: Object.fromEntries(new URLSearchParams(raw)), raw, isForm: true };
  }
  if (contentType !== '' && contentType !== 'application/json' && !contentType.endsWith('+json')) {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  try {
    return { value: JSON.parse(raw), raw, isForm: false };
  } catch {
    throw new ValidationError('The request body is not valid JSON.', undefined, 'malformed_json');
  }
}

function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  const h = headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(h);
  if (!m) throw new UnauthenticatedError('Use the Authorization: Bearer <access_token> header.');
  return m[1];
}

function toOAuthError(err: unknown): OAuthError | undefined {
  if (err instanceof OAuthError) return err;
  if (err instanceof ValidationError) return new OAuthError('invalid_request', err.message);
  if (err instanceof AppError && err.statusCode === 415) return new OAuthError('invalid_request', err.message);
  return undefined;
}

function errorResponse(route: RouteDef | undefined, err: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  const base = { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-request-id': requestId };
  if (route?.oauth) {
    const oe = toOAuthError(err);
    if (oe) return { statusCode: oe.statusCode, headers: { ...base, pragma: 'no-cache', ...oe.headers }, body: JSON.stringify(oe.toJSON()) };
  }
  if (err instanceof AppError) {
    return { statusCode: err.statusCode, headers: { ...base, ...err.headers }, body: JSON.stringify(err.toJSON()) };
  }
  logger.error('unhandled error', { operation: route?.operation, error: err as Error });
  return {
    statusCode: 500,
    headers: base,
    body: JSON.stringify({ error: { code: 'internal_error', message: 'Something went wrong on our side.', details: { requestId } } }),
  };
}

function toResponse(result: HttpResult, requestId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { 'cache-control': 'no-store', 'x-request-id': requestId, ...result.headers };
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

/** Path parameters are opaque strings; anything odd simply names nothing. */
function checkParams(params: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v.length === 0 || v.length > 512) throw new NotFoundError();
    out[k] = v;
  }
  return out;
}

export function httpHandler<Op extends Operation>(operation: Op, core: Core<Op>) {
  const route = routeFor(operation) as RouteDef;

  const run = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = context.awsRequestId;
    const started = performance.now();
    let statusCode = 500;
    let principalId: string | undefined;
    try {
      const headers = event.headers as Record<string, string | undefined>;
      const params = checkParams(event.pathParameters ?? {});
      const parsed = parseBody(route, event);
      if (parsed.isForm && !route.oauth && !(route.auth === 'none' || route.auth === 'optional-user')) {
        // Forms are accepted only where our own pages post them (no cookies, so no CSRF surface).
        throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
      }

      let body: unknown = undefined;
      if (route.body) {
        const input = parsed.value === undefined && route.bodyOptional ? {} : parsed.value;
        if (input === undefined) throw new ValidationError('A JSON request body is required.', { body: 'required' });
        const r = route.body.safeParse(input);
        if (!r.success) throw new ValidationError('The request body is not valid.', zodFields(r.error, ''));
        body = r.data;
      }
      let query: unknown = event.queryStringParameters ?? {};
      if (route.query) {
        const r = route.query.safeParse(event.queryStringParameters ?? {});
        if (!r.success) throw new ValidationError('The query string is not valid.', zodFields(r.error, 'query'));
        query = r.data;
      }

      let access: Access | undefined;
      const token = route.auth === 'none' ? undefined : bearerToken(headers);
      if (route.auth === 'user' || route.auth === 'any') {
        if (!token) throw new UnauthenticatedError();
      }
      if (token) {
        const principal: Principal = await verifyAccessToken(token);
        principalId = principal.type === 'user' ? principal.userId : principal.clientId;
        access = await resolveAccess(route, principal, params.ws);
      }

      const result = await core({
        body, query, params, headers, access, rawBody: parsed.raw, requestId, isForm: parsed.isForm,
      } as unknown as Request<RouteFor<Op>>);
      const response = toResponse(result, requestId);
      const isHtml = String(response.headers?.['content-type'] ?? '').includes('text/html');
      response.headers = { 'content-security-policy': isHtml ? HTML_CSP : JSON_CSP, ...response.headers };
      statusCode = response.statusCode ?? 200;
      return response;
    } catch (err) {
      const response = errorResponse(route, err, requestId);
      response.headers = { 'content-security-policy': JSON_CSP, ...response.headers };
      statusCode = response.statusCode ?? 500;
      return response;
    } finally {
      // Route pattern, never the raw path: paths can carry tokens.
      logger.info('request', {
        operation, route: `${route.method} ${route.path}`, statusCode, principalId,
        durationMs: Math.round(performance.now() - started),
      });
    }
  };

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders({ contentSecurityPolicy: false, poweredBy: { server: '' } } as never))
    .handler(run);
}
