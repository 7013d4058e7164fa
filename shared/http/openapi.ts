/** OpenAPI 3.1, generated from the route table and the same zod schemas that validate requests. */
import { z, type ZodType } from 'zod';
import { config } from '../config.js';
import { pathParamFormats, routes, type PathParam, type RouteDef } from './routes.js';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
};

function queryParameters(schema: ZodType) {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name, in: 'query', required: (json.required ?? []).includes(name), schema: s,
  }));
}

let cached: unknown;

export function openApiDocument() {
  cached ??= {
    openapi: '3.1.0',
    info: { title: 'Roster', version: '0.1.0', description: 'Workspace membership & access service.' },
    servers: [{ url: config.publicUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: errorSchema },
    },
    paths: routes.reduce<Record<string, Record<string, unknown>>>((paths, r: RouteDef) => {
      const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1], in: 'path', required: true, schema: { type: 'string', pattern: pathParamFormats[m[1] as PathParam].pattern },
      }));
      (paths[r.path] ??= {})[r.method.toLowerCase()] = {
        operationId: r.operation,
        summary: r.summary,
        tags: [r.tag],
        ...(r.auth === 'none' ? { security: [] } : { security: [{ bearer: [] }] }),
        ...(r.permission && r.permission !== 'member' ? { 'x-roster-permission': r.permission } : {}),
        ...(r.scope ? { 'x-roster-app-scope': r.scope } : {}),
        parameters: [...params, ...(r.query ? queryParameters(r.query) : [])],
        ...(r.body ? {
          requestBody: {
            required: !r.bodyOptional,
            content: {
              'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) },
              ...(r.oauth ? { 'application/x-www-form-urlencoded': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } : {}),
            },
          },
        } : {}),
        responses: {
          [String(r.successStatus ?? 200)]: { description: 'Success' },
          default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      };
      return paths;
    }, {}),
  };
  return cached;
}
