import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';

const local = config.dynamodbEndpoint
  ? { endpoint: config.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
  : {};

// A connection that cannot be opened fails fast and is retried, instead of waiting for the Lambda timeout.
export const dynamodb = new DynamoDBClient({
  region: config.region,
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1000 },
  ...local,
});

export const db = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

export const tableName = (): string => config.tableName;
