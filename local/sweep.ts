/**
 * The local TTL sweep: deletes items whose TTL has passed (by the service clock),
 * the way DynamoDB's TTL process would, so the stream workers see the deletions.
 */
import { ScanCommand, DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from '../shared/data/table.js';
import { isConditionFailure } from '../shared/data/conditions.js';
import { localDynamoClient } from './table.js';

export async function sweepExpired(endpoint: string, tableName: string, nowEpoch: number, onDelete: (pk: string, sk: string) => void): Promise<number> {
  const doc = DynamoDBDocumentClient.from(localDynamoClient(endpoint));
  let deleted = 0;
  let key: Record<string, unknown> | undefined;
  try {
    do {
      const page = await doc.send(new ScanCommand({
        TableName: tableName,
        FilterExpression: '#ttl <= :now',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': nowEpoch },
        ProjectionExpression: 'PK, SK',
        ExclusiveStartKey: key,
      }));
      for (const item of page.Items ?? []) {
        const pk = item.PK as string, sk = item.SK as string;
        try {
          onDelete(pk, sk);
          await doc.send(new DeleteCommand({
            TableName: tableName,
            Key: { PK: pk, SK: sk },
            // The item may have been restored (TTL removed) since the scan.
            ConditionExpression: '#ttl <= :now',
            ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': nowEpoch },
          }));
          deleted++;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
      }
      key = page.LastEvaluatedKey;
    } while (key);
  } finally {
    doc.destroy();
  }
  return deleted;
}
