/**
 * The baseline for bundle size and import time: the smallest useful Roster-shaped
 * Lambda — middy plus one DynamoDB GetItem through the document client — bundled
 * exactly like the real handlers (bench/bundle.ts). Not deployed.
 */
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(async (event) => {
  const out = await db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: `WS#${event.pathParameters?.ws}`, SK: 'WS' } }));
  return { statusCode: out.Item ? 200 : 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out.Item ?? {}) };
});
