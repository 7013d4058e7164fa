/**
 * OpenAPI 3.1, generated from the route table and the same zod schemas that validate
 * requests and type (and, in tests, check) responses.
 */
import { z, type ZodType } from 'zod';
import { config } from '../config.js';
import { pathParamFormats, routes, type PathParam, type RouteDef } from './routes.js';

type JsonSchema = Record<string, unknown>;

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'snake_case, stable' },
        message: { type: 'string', description: 'A human sentence, fit to show' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

/** RFC 6749 §5.2, on the OAuth endpoints. */
const oauthErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', description: 'invalid_request, invalid_client, invalid_grant, invalid_scope, unsupported_grant_type, …' },
    error_description: { type: 'string' },
  },
};

const COMPONENTS = '#/components/schemas/';

/** zod → JSON Schema; named schemas become references to `components.schemas`. */
function toSchema(schema: ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _, $defs, ...rest } = json as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const relink = (s: JsonSchema) => JSON.parse(JSON.stringify(s).replaceAll('"#/$defs/', `"${COMPONENTS}`)) as JsonSchema;
  for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= relink(def);
  // A named schema at the top is emitted as a lone $ref plus its own definition.
  const id = z.globalRegistry.get(schema)?.id;
  if (id) {
    components[id] ??= relink(rest);
    return { $ref: `${COMPONENTS}${id}` };
  }
  return relink(rest);
}

function queryParameters(schema: ZodType, components: Record<string, JsonSchema>) {
  const json = toSchema(schema, 'input', components) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name, in: 'query', required: (json.required ?? []).includes(name), schema: s,
  }));
}

const RENDERED = {
  'text/html': { description: 'A page, for browsers (Accept: text/html)', schema: { type: 'string' } },
  'text/csv': { description: 'RFC 4180 CSV, as an attachment', schema: { type: 'string' } },
} as const;

function successResponse(r: RouteDef, components: Record<string, JsonSchema>) {
  const status = String(r.successStatus ?? 200);
  if (status === '204') return { [status]: { description: 'Done; no content' } };
  const content: Record<string, { schema: unknown }> = {};
  if (r.response) content['application/json'] = { schema: toSchema(r.response, 'output', components) };
  if (r.rendered) content[r.rendered] = { schema: RENDERED[r.rendered].schema };
  const description = r.response ? 'Success' : RENDERED[r.rendered!].description;
  return { [status]: { description, content } };
}

let cached: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const components: Record<string, JsonSchema> = { Error: errorSchema, OAuthError: oauthErrorSchema };
  const paths = routes.reduce<Record<string, Record<string, unknown>>>((acc, r: RouteDef) => {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1], in: 'path', required: true, schema: { type: 'string', pattern: pathParamFormats[m[1] as PathParam].pattern },
    }));
    (acc[r.path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.operation,
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth === 'none' ? { security: [] } : { security: [{ bearer: [] }] }),
      ...(r.permission && r.permission !== 'member' ? { 'x-roster-permission': r.permission } : {}),
      ...(r.scope ? { 'x-roster-app-scope': r.scope } : {}),
      parameters: [...params, ...(r.query ? queryParameters(r.query, components) : [])],
      ...(r.body ? {
        requestBody: {
          required: !r.bodyOptional,
          content: {
            'application/json': { schema: toSchema(r.body, 'input', components) },
            ...(r.oauth ? { 'application/x-www-form-urlencoded': { schema: toSchema(r.body, 'input', components) } } : {}),
          },
        },
      } : {}),
      responses: {
        ...successResponse(r, components),
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: `${COMPONENTS}${r.oauth ? 'OAuthError' : 'Error'}` } } } },
      },
    };
    return acc;
  }, {});
  cached = {
    openapi: '3.1.0',
    info: { title: 'Roster', version: '0.1.0', description: 'Workspace membership & access service.' },
    servers: [{ url: config.publicUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: components,
    },
    paths,
  };
  return cached;
}
