/**
 * The email outbox. A business write puts an OUTBOX item in its own transaction;
 * the table's stream hands the INSERT to the notifier, which sends it through SES
 * and records the outcome here (and on the item it concerns, e.g. an invitation).
 * Nothing here opens a link: a link token rides only sealed, and is dropped once sent.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, declareParts, declarePartFamily, tableName, type Item, type TxPart } from './core.js';
import { isConditionFailure } from './conditions.js';
import { GSI } from './table.js';

const outboxPart = declarePartFamily('outbox');
/** A redrive's parts: `failed` fails when the message was redriven or sent meanwhile; `related` when a newer email superseded it. */
export const RedrivePart = declareParts({ failed: 'redrive:failed', copy: 'redrive:copy', related: 'redrive:related' });

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

/**
 * `failed`: the last attempt failed (the stream may still retry it; afterwards the redrive
 * job puts a copy back). `redriven`: a copy took over. `superseded`: a newer email for the
 * same item (a resend) made it moot. Only `queued` and `failed` messages are ever sent.
 */
export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'redriven' | 'superseded';

/**
 * Sparse GSI3 partition of the failed messages, oldest first, so the redrive job reads
 * only them whatever the outbox holds. A message leaves it when sent, redriven or superseded.
 */
export const FAILED_OUTBOX_PARTITION = 'OUTBOX_FAILED';
const failedIndexAttrs = (msg: Pick<OutboxMessage, 'id' | 'createdAt'>) => ({ GSI3PK: FAILED_OUTBOX_PARTITION, GSI3SK: `${msg.createdAt}#${msg.id}` });

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
      + (outcome.status === 'failed' ? ', GSI3PK = :fp, GSI3SK = :fs' : '')
      // Sent: nothing will need the link again, so not even its ciphertext stays.
      + (outcome.status === 'sent' ? ' REMOVE sealedToken, GSI3PK, GSI3SK' : ''),
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: {
      ':s': outcome.status, ':at': outcome.at, ':zero': 0, ':one': 1,
      ...(outcome.error ? { ':e': outcome.error.slice(0, 500) } : {}),
      ...(outcome.providerMessageId ? { ':p': outcome.providerMessageId } : {}),
      ...(outcome.status === 'failed' ? { ':fp': failedIndexAttrs(msg).GSI3PK, ':fs': failedIndexAttrs(msg).GSI3SK } : {}),
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

export type StoredOutboxMessage = OutboxMessage & { status: OutboxStatus; attempts: number; lastAttemptAt?: string };

/** The oldest failed messages (GSI3 OUTBOX_FAILED), at most `limit`: one bounded Query. */
export async function oldestFailedMessages(limit: number): Promise<StoredOutboxMessage[]> {
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    IndexName: GSI.GSI3.name,
    KeyConditionExpression: 'GSI3PK = :pk',
    ExpressionAttributeValues: { ':pk': FAILED_OUTBOX_PARTITION },
    Limit: limit,
  }));
  return (out.Items ?? []).map((i) => {
    const { PK: _a, SK: _b, GSI3PK: _c, GSI3SK: _d, type: _e, ttl: _f, ...msg } = i as Item;
    return msg as unknown as StoredOutboxMessage;
  });
}

/**
 * Put a failed message back in the outbox as a fresh copy (a new id, so the stream
 * delivers an INSERT the notifier takes), in one transaction with: the failed message
 * becoming `redriven` (only if still failed, so a message is redriven once), and the
 * related item's `emailStatus` following the copy (only if this message is still its
 * newest email — else the part `related` fails and the message is superseded instead).
 */
export function redriveParts(failed: StoredOutboxMessage, copyId: string, at: string): TxPart[] {
  const copy: OutboxMessage = {
    id: copyId, template: failed.template, to: failed.to, data: failed.data, sealedToken: failed.sealedToken,
    createdAt: at, relatedKey: failed.relatedKey,
  };
  return [
    {
      name: RedrivePart.failed,
      item: {
        Update: {
          TableName: tableName(),
          Key: outboxKey(failed.id),
          UpdateExpression: 'SET #s = :redriven, redrivenTo = :copy REMOVE GSI3PK, GSI3SK, sealedToken',
          ConditionExpression: '#s = :failed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':redriven': 'redriven', ':copy': copyId, ':failed': 'failed' },
        },
      },
    },
    { ...putOutboxPart(copy), name: RedrivePart.copy },
    ...(failed.relatedKey ? [{
      name: RedrivePart.related,
      item: {
        Update: {
          TableName: tableName(),
          Key: failed.relatedKey,
          UpdateExpression: 'SET emailStatus = :queued, emailMessageId = :copy',
          ConditionExpression: 'attribute_exists(PK) AND emailMessageId = :old',
          ExpressionAttributeValues: { ':queued': 'queued', ':copy': copyId, ':old': failed.id },
        },
      },
    }] : []),
  ];
}

/** A failed message nobody needs any more (its item was resent, accepted or revoked): out of the failed index, link dropped. */
export async function supersede(id: string): Promise<void> {
  await db.send(new UpdateCommand({
    TableName: tableName(),
    Key: outboxKey(id),
    UpdateExpression: 'SET #s = :superseded REMOVE GSI3PK, GSI3SK, sealedToken',
    ConditionExpression: '#s = :failed',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':superseded': 'superseded', ':failed': 'failed' },
  })).catch((err) => {
    if (!isConditionFailure(err)) throw err;
  });
}
