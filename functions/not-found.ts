/**
 * The API's `$default` route: anything the route table does not name gets the
 * contract's 404 shape with the same headers as every other response, instead of
 * API Gateway's own `{"message":"Not Found"}`. It is deliberately not in the route
 * table (it is not an operation) and needs no table, key or secret.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { NotFoundError } from '../shared/errors.js';
import { logger } from '../shared/logger.js';

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(httpHeaderNormalizer())
  .use(httpSecurityHeaders({ contentSecurityPolicy: false, poweredBy: { server: '' } } as never))
  .handler(async (event: APIGatewayProxyEventV2, context: Context) => {
    const method = event.requestContext.http.method;
    // The method only: an unknown path may still carry a token someone mistyped.
    logger.info('request', { operation: 'notFound', route: '$default', method, statusCode: 404 });
    return {
      statusCode: 404,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'x-request-id': context.awsRequestId,
      },
      body: JSON.stringify(new NotFoundError(`No route for ${method} ${event.rawPath}.`).toJSON()),
    };
  });
