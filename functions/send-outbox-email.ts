/** Stream consumer: sends the emails that business writes put in the outbox. */
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { deliver } from '../shared/domain/notifier.js';
import { logger } from '../shared/logger.js';
import type { OutboxMessage } from '../shared/data/outbox.js';

/** Reports failed records individually so one bad email does not resend the whole batch. */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event) => {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (!image) continue;
    const msg = unmarshall(image as Record<string, AttributeValue>) as OutboxMessage;
    try {
      const outcome = await deliver(msg);
      logger.info('outbox message', { id: msg.id, template: msg.template, outcome });
    } catch (err) {
      logger.warn('outbox delivery failed', { id: msg.id, template: msg.template, error: (err as Error).message });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
    }
  }
  return { batchItemFailures };
});
