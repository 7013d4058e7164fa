/**
 * The contract's machine-readable half: every route answers with a schema, the
 * checked-in client types are exactly what the document generates, and the suite's
 * response guard refuses an answer its schema does not describe.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { routes, type RouteDef } from '../../shared/http/routes.js';
import { httpHandler } from '../../shared/http/handler.js';
import { ok } from '../../shared/http/responses.js';
import { openApiDocument } from '../../shared/http/openapi.js';
import { API_TYPES_FILE, generateApiTypes } from '../../scripts/generate-api-types.js';

type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> };

describe('response schemas', () => {
  const doc = openApiDocument() as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
  const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));

  it('every route that answers with a body describes it (JSON schema, or the page/file it renders)', () => {
    const undescribed = (routes as readonly RouteDef[])
      .filter((r) => r.successStatus !== 204 && !r.response && !r.rendered)
      .map((r) => r.operation);
    expect(undescribed).toEqual([]);
    for (const op of operations) {
      const [status, success] = Object.entries(op.responses).find(([s]) => s !== 'default')!;
      if (status === '204') continue;
      expect(Object.keys(success.content ?? {}).length, op.operationId).toBeGreaterThan(0);
    }
  });

  it('shared shapes are named components the client can import', () => {
    const member = doc.paths['/workspaces/{ws}/members/{userId}']!.get!;
    expect(member.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Member' });
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Member', 'Invitation', 'AppUser', 'Integration', 'Installation', 'Error']));
    expect(doc.paths['/workspaces/{ws}/members/export']!.get!.responses['200']!.content).toHaveProperty('text/csv');
  });

  it('the checked-in Console client types are what the document generates (run `npm run api-types`)', async () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8')).toBe(await generateApiTypes());
  });

  it('under the suite, an answer with a field its schema does not describe fails instead of reaching a client', async () => {
    const event = {
      version: '2.0', routeKey: 'GET /health', rawPath: '/health', rawQueryString: '', headers: {},
      requestContext: { http: { method: 'GET', path: '/health' }, requestId: 'r', timeEpoch: 0 },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const context = { awsRequestId: 'r' } as Context;
    const good = httpHandler('getHealth', async () => ok({ ok: true as const }));
    expect((await good(event, context)).statusCode).toBe(200);
    const leaky = httpHandler('getHealth', async () => ok({ ok: true, secret: 'x' } as never));
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      const res = await leaky(event, context);
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('secret');
    } finally {
      process.stderr.write = stderr;
    }
  });
});
