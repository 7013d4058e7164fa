/**
 * The email outbox. A business write puts an OUTBOX item in its own transaction;
 * the table's stream hands the INSERT to the notifier, which sends it through SES
 * and records the outcome here (and on the item it concerns, e.g. an invitation).
 * Nothing here opens a link: a link token rides only sealed, and is dropped once sent.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, declareParts, declarePartFamily, tableName, transact, type Item, type TxPart } from './core.js';
import { isConditionFailure } from './conditions.js';
import { GSI } from './table.js';

const outboxPart = declarePartFamily('outbox');
export const OutboxPart = declareParts({ redriven: 'outbox.redriven' });

/**
 * Failed messages are listed in the sparse GSI3 under one partition, oldest first, so
 * the redrive finds them without a scan; a message leaves the list when it is sent or redriven.
 */
export const OUTBOX_FAILED = 'OUTBOX_FAILED';

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

/** `redriven`: a failed message that `npm run redrive` replaced by a fresh copy (`redrivenTo`). */
export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'redriven';

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

export type StoredOutboxMessage = OutboxMessage & {
  status: OutboxStatus; attempts: number; lastError?: string; lastAttemptAt?: string; sentAt?: string; providerMessageId?: string; ttl: number; redrivenTo?: string;
};

export async function getOutboxMessage(id: string) {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: outboxKey(id), ConsistentRead: true }));
  return out.Item as StoredOutboxMessage | undefined;
}

/** One page of failed messages, oldest failure first (GSI3, eventually consistent: re-read before acting). */
export async function failedOutboxMessageIds(startKey?: Item, limit = 100): Promise<{ ids: string[]; next?: Item }> {
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    IndexName: GSI.GSI3.name,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': GSI.GSI3.pk },
    ExpressionAttributeValues: { ':pk': OUTBOX_FAILED },
    ProjectionExpression: 'id',
    ExclusiveStartKey: startKey,
    Limit: limit,
  }));
  return { ids: (out.Items ?? []).map((i) => i.id as string), next: out.LastEvaluatedKey };
}

/**
 * Replace a failed message by a fresh copy (a new id, so the stream delivers it as an
 * INSERT to the notifier again), in one transaction that also marks the old one
 * `redriven` — only if it is still `failed`, so two redrives never send twice. The
 * sealed link token is copied as ciphertext: nothing here can open it.
 */
export async function redriveOutboxMessage(failed: StoredOutboxMessage, newId: string, now: string): Promise<void> {
  const copy: OutboxMessage = {
    id: newId, template: failed.template, to: failed.to, data: failed.data, createdAt: now,
    ...(failed.sealedToken ? { sealedToken: failed.sealedToken } : {}),
    ...(failed.relatedKey ? { relatedKey: failed.relatedKey } : {}),
  };
  await transact([
    putOutboxPart(copy),
    {
      name: OutboxPart.redriven,
      item: {
        Update: {
          TableName: tableName(),
          Key: outboxKey(failed.id),
          UpdateExpression: 'SET #s = :redriven, redrivenTo = :to, redrivenAt = :now REMOVE #gpk, #gsk, sealedToken',
          ConditionExpression: '#s = :failed',
          ExpressionAttributeNames: { '#s': 'status', '#gpk': GSI.GSI3.pk, '#gsk': GSI.GSI3.sk },
          ExpressionAttributeValues: { ':redriven': 'redriven', ':failed': 'failed', ':to': newId, ':now': now },
        },
      },
    },
  ]);
  // The related item (e.g. an invitation) now follows the copy — unless a newer message superseded this one.
  if (failed.relatedKey) await updateRelatedItem(failed.relatedKey, failed.id, { status: 'queued', messageId: newId });
}

/** Mirror a message's status on its related item, only while that item still points at this message. */
async function updateRelatedItem(key: { PK: string; SK: string }, messageId: string, set: { status: OutboxStatus; messageId?: string }): Promise<void> {
  await db.send(new UpdateCommand({
    TableName: tableName(),
    Key: key,
    UpdateExpression: `SET emailStatus = :s${set.messageId ? ', emailMessageId = :to' : ''}`,
    ConditionExpression: 'attribute_exists(PK) AND emailMessageId = :id',
    ExpressionAttributeValues: { ':s': set.status, ':id': messageId, ...(set.messageId ? { ':to': set.messageId } : {}) },
  })).catch((err) => {
    if (!isConditionFailure(err)) throw err;
  });
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
      // Failed: listed for the redrive (the stream retries it meanwhile; a later success unlists it).
      + (outcome.status === 'failed' ? ', #gpk = :failedList, #gsk = :failedAt' : '')
      // Sent: nothing will need the link again, so not even its ciphertext stays.
      + (outcome.status === 'sent' ? ' REMOVE sealedToken, #gpk, #gsk' : ''),
    ExpressionAttributeNames: { '#s': 'status', ...(outcome.status === 'failed' || outcome.status === 'sent' ? { '#gpk': GSI.GSI3.pk, '#gsk': GSI.GSI3.sk } : {}) },
    ExpressionAttributeValues: {
      ':s': outcome.status, ':at': outcome.at, ':zero': 0, ':one': 1,
      ...(outcome.status === 'failed' ? { ':failedList': OUTBOX_FAILED, ':failedAt': `${outcome.at}#${msg.id}` } : {}),
      ...(outcome.error ? { ':e': outcome.error.slice(0, 500) } : {}),
      ...(outcome.providerMessageId ? { ':p': outcome.providerMessageId } : {}),
    },
  }));
  // Only the newest message for an item may set its status (a resend supersedes the old one).
  if (msg.relatedKey) await updateRelatedItem(msg.relatedKey, msg.id, { status: outcome.status });
}
