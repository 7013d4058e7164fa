/**
 * Stream consumer: DynamoDB's TTL deleted a removed member's record at the end of
 * the 14-day window (the filter in shared/workers.ts passes only TTL deletions of
 * member items). Purges what the member left behind and records member.purged.
 */
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { purgeExpiredMember } from '../shared/domain/members.js';
import { logger } from '../shared/logger.js';

/** Failed records are reported one by one, so a retry repeats only those (the purge steps are idempotent). */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event) => {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.OldImage;
    if (!image) continue;
    const old = unmarshall(image as Record<string, AttributeValue>);
    try {
      await purgeExpiredMember(old);
      logger.info('member purged', { workspaceId: old.workspaceId, userId: old.userId });
    } catch (err) {
      logger.warn('member purge failed', { workspaceId: old.workspaceId, userId: old.userId, error: (err as Error).message });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
    }
  }
  return { batchItemFailures };
});
