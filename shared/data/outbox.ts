/**
 * The email outbox. A business write puts an OUTBOX item in its own transaction;
 * the table's stream hands the INSERT to the notifier, which sends it through SES
 * and records the outcome here (and on the item it concerns, e.g. an invitation).
 * Nothing here opens a link: a link token rides only sealed, and is dropped once sent.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, declarePartFamily, tableName, type TxPart } from './core.js';
import { isConditionFailure } from './conditions.js';

const outboxPart = declarePartFamily('outbox');

export interface OutboxMessage {
  id: string;
  template: string;
  to: string;
  data: Record<string, unknown>;
  /**
   * The link token of a sign-in or invitation email, sealed for the notifier
   * (shared/auth/link-seal.ts); the template gets it as `data.token`. Removed once sent.
   */
  sealedToken?: string;
  createdAt: string;
  /** The item whose `emailStatus` mirrors this message's delivery (e.g. an invitation). */
  relatedKey?: { PK: string; SK: string };
}

export type OutboxStatus = 'queued' | 'sent' | 'failed';

const RETENTION_SECONDS = 30 * 24 * 3600;
export const OUTBOX_TYPE = 'outbox';
export const outboxKey = (id: string) => ({ PK: `OUTBOX#${id}`, SK: 'OUTBOX' });

export function putOutboxPart(msg: OutboxMessage): TxPart {
  return {
    name: outboxPart(msg.template),
    item: {
      Put: {
        TableName: tableName(),
        Item: {
          ...outboxKey(msg.id),
          type: OUTBOX_TYPE,
          ...msg,
          status: 'queued',
          attempts: 0,
          ttl: Math.floor(Date.parse(msg.createdAt) / 1000) + RETENTION_SECONDS,
        },
      },
    },
  };
}

export async function getOutboxMessage(id: string) {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: outboxKey(id), ConsistentRead: true }));
  return out.Item as (OutboxMessage & { status: OutboxStatus; attempts: number; lastError?: string; sentAt?: string; providerMessageId?: string }) | undefined;
}

export async function recordOutboxOutcome(
  msg: OutboxMessage,
  outcome: { status: OutboxStatus; at: string; error?: string; providerMessageId?: string },
): Promise<void> {
  await db.send(new UpdateCommand({
    TableName: tableName(),
    Key: outboxKey(msg.id),
    UpdateExpression: 'SET #s = :s, attempts = if_not_exists(attempts, :zero) + :one, lastAttemptAt = :at'
      + (outcome.error ? ', lastError = :e' : '')
      + (outcome.providerMessageId ? ', providerMessageId = :p, sentAt = :at' : '')
      // Sent: nothing will need the link again, so not even its ciphertext stays.
      + (outcome.status === 'sent' ? ' REMOVE sealedToken' : ''),
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: {
      ':s': outcome.status, ':at': outcome.at, ':zero': 0, ':one': 1,
      ...(outcome.error ? { ':e': outcome.error.slice(0, 500) } : {}),
      ...(outcome.providerMessageId ? { ':p': outcome.providerMessageId } : {}),
    },
  }));
  if (msg.relatedKey) {
    // Only the newest message for an item may set its status (a resend supersedes the old one).
    await db.send(new UpdateCommand({
      TableName: tableName(),
      Key: msg.relatedKey,
      UpdateExpression: 'SET emailStatus = :s',
      ConditionExpression: 'attribute_exists(PK) AND emailMessageId = :id',
      ExpressionAttributeValues: { ':s': outcome.status, ':id': msg.id },
    })).catch((err) => {
      if (!isConditionFailure(err)) throw err;
    });
  }
}
