import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/http/openapi.js';
import { routes } from '../../shared/http/routes.js';

describe('OpenAPI document', () => {
  const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> }; security?: unknown[] }>> };

  it('is OpenAPI 3.1 with one operation per route and no local-only route', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.sort()).toEqual(routes.map((r) => r.operation).sort());
    expect(Object.keys(doc.paths).some((p) => p.includes('_local'))).toBe(false);
  });

  it('request bodies come from the validating zod schemas', () => {
    const create = doc.paths['/workspaces']!.post!;
    expect(Object.keys(create.requestBody!.content['application/json']!.schema.properties!)).toEqual(['name', 'seats']);
    const token = doc.paths['/oauth/token']!.post!;
    expect(Object.keys(token.requestBody!.content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(doc.paths['/health']!.get!.security).toEqual([]);
  });
});
