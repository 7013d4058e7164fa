/** Fixed-window counters (one item per key and window, expiring with the window). */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, declarePartFamily, tableName, type TxPart } from './core.js';
import { isConditionFailure } from './conditions.js';

const ratePart = declarePartFamily('rate');

export const rateKey = (bucket: string, windowStart: number) => ({ PK: `RATE#${bucket}`, SK: `W#${windowStart}` });

/**
 * Count one event in the current window. Returns how many seconds to wait when the
 * limit is reached (the count is then not incremented), or 0 when allowed.
 */
export async function hit(bucket: string, limit: number, windowSeconds: number, nowEpoch: number, cost = 1): Promise<number> {
  const windowStart = nowEpoch - (nowEpoch % windowSeconds);
  try {
    await db.send(new UpdateCommand(hitUpdate(bucket, limit, windowSeconds, windowStart, cost)));
    return 0;
  } catch (err) {
    if (isConditionFailure(err)) return windowStart + windowSeconds - nowEpoch;
    throw err;
  }
}

function hitUpdate(bucket: string, limit: number, windowSeconds: number, windowStart: number, cost: number) {
  return {
    TableName: tableName(),
    Key: rateKey(bucket, windowStart),
    UpdateExpression: 'ADD hits :cost SET #ttl = :ttl',
    ConditionExpression: 'attribute_not_exists(hits) OR hits <= :max',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':cost': cost, ':max': limit - cost, ':ttl': windowStart + windowSeconds + 60 },
  };
}

/** The same counter as a transaction part, for limits that must hold together with a write. */
export function hitPart(bucket: string, limit: number, windowSeconds: number, nowEpoch: number, cost = 1): TxPart {
  const windowStart = nowEpoch - (nowEpoch % windowSeconds);
  return { name: ratePart(bucket), item: { Update: hitUpdate(bucket, limit, windowSeconds, windowStart, cost) } };
}

export const retryAfter = (windowSeconds: number, nowEpoch: number) => windowSeconds - (nowEpoch % windowSeconds);
