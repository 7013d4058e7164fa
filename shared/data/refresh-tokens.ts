/**
 * Rotating refresh tokens. Each token belongs to a family (one sign-in or one
 * client-credentials grant). Using a token marks it used and issues the next one
 * in one transaction; presenting a used token revokes the whole family.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchWrite } from './batch.js';
import { alive, db, declareParts, tableName, transact, type TxPart } from './core.js';
import { isConditionFailure } from './conditions.js';
import { GSI } from './table.js';

/** `old`: the token being rotated (fails on reuse); `family`: fails when the family is revoked. */
export const RefreshTokenPart = declareParts({ token: 'refreshToken', old: 'refreshToken:old', family: 'family' });

export interface RefreshSubject {
  type: 'user' | 'app';
  id: string;
  workspaceId?: string;
  scope?: string;
  /** App users: the secret generation the family was issued under. */
  generation?: number;
}

export interface RefreshToken {
  familyId: string;
  subject: RefreshSubject;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
}

/** What a person sees of a session in their list (people's families only). */
export interface FamilyMeta {
  userAgent?: string;
}

/** A family as a session: who, since when, last refreshed when, from which browser. */
export interface Family extends FamilyMeta {
  familyId: string;
  subject: RefreshSubject;
  revoked: boolean;
  createdAt: string;
  lastUsedAt?: string;
}

const toFamily = (i: Record<string, unknown>): Family => ({
  familyId: i.familyId as string, subject: i.subject as RefreshSubject, revoked: i.revoked === true,
  createdAt: i.createdAt as string, lastUsedAt: i.lastUsedAt as string | undefined, userAgent: i.userAgent as string | undefined,
});

export const refreshTokenKey = (hash: string) => ({ PK: `RT#${hash}`, SK: 'RT' });
export const refreshFamilyKey = (familyId: string) => ({ PK: `RTF#${familyId}`, SK: 'RTF' });
const subjectPartition = (subjectId: string) => `SUBJECT#${subjectId}`;

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function putTokenPart(hash: string, t: RefreshToken): TxPart {
  return {
    name: RefreshTokenPart.token,
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...refreshTokenKey(hash), type: 'refreshToken', ...t, ttl: epoch(t.expiresAt) },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  };
}

/**
 * A new family and its first token, in one BatchWriteItem rather than a
 * transaction: both keys are fresh 256-bit values nobody else can name, so there
 * is no condition to check, and a half-written pair (one item without the other)
 * is unusable — the token is never handed out — and expires by TTL. Half the
 * write cost of a transaction on the hottest path (client credentials).
 */
export async function createFamily(hash: string, t: RefreshToken, familyExpiresAt: string, meta: FamilyMeta = {}): Promise<void> {
  await batchWrite([
    {
      PutRequest: {
        Item: {
          ...refreshFamilyKey(t.familyId), type: 'refreshFamily', familyId: t.familyId, subject: t.subject,
          revoked: false, createdAt: t.createdAt, lastUsedAt: t.createdAt,
          ...(meta.userAgent ? { userAgent: meta.userAgent } : {}),
          GSI1PK: subjectPartition(t.subject.id), GSI1SK: `RTF#${t.familyId}`, ttl: epoch(familyExpiresAt),
        },
      },
    },
    { PutRequest: { Item: { ...refreshTokenKey(hash), type: 'refreshToken', ...t, ttl: epoch(t.expiresAt) } } },
  ]);
}

export async function getRefreshToken(hash: string): Promise<RefreshToken | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: refreshTokenKey(hash), ConsistentRead: true }));
  if (!out.Item) return undefined;
  const { familyId, subject, createdAt, expiresAt, usedAt } = out.Item;
  return { familyId, subject, createdAt, expiresAt, usedAt };
}

/**
 * Mark `oldHash` used and store `next`, atomically, only if the old token is
 * unused and its family not revoked. Throws TransactionConflict otherwise
 * (`RefreshTokenPart.old` = reuse, `RefreshTokenPart.family` = revoked).
 */
export async function rotate(oldHash: string, nextHash: string, next: RefreshToken, now: string): Promise<void> {
  await transact([
    {
      name: RefreshTokenPart.old,
      item: {
        Update: {
          TableName: tableName(),
          Key: refreshTokenKey(oldHash),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(usedAt)',
          ExpressionAttributeValues: { ':now': now },
        },
      },
    },
    {
      name: RefreshTokenPart.family,
      item: {
        // The family's lastUsedAt is what a person's session list shows.
        Update: {
          TableName: tableName(),
          Key: refreshFamilyKey(next.familyId),
          UpdateExpression: 'SET lastUsedAt = :now',
          ConditionExpression: 'attribute_exists(PK) AND revoked = :f',
          ExpressionAttributeValues: { ':f': false, ':now': now },
        },
      },
    },
    putTokenPart(nextHash, next),
  ]);
}

/** A family past its TTL is gone, as DynamoDB would have it eventually. */
export async function getFamily(familyId: string, nowEpochSeconds: number, consistent = false): Promise<Family | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: refreshFamilyKey(familyId), ConsistentRead: consistent }));
  const item = alive(out.Item, nowEpochSeconds);
  return item ? toFamily(item) : undefined;
}

/** A subject's unrevoked, unexpired families, newest first (GSI1); one page of at most `limit` read. */
export async function listLiveFamiliesOf(subjectId: string, limit: number, startKey: Record<string, unknown> | undefined, nowEpochSeconds: number): Promise<{ items: Family[]; lastKey?: Record<string, unknown> }> {
  const page = await db.send(new QueryCommand({
    TableName: tableName(),
    IndexName: GSI.GSI1.name,
    KeyConditionExpression: 'GSI1PK = :pk',
    FilterExpression: 'revoked = :f AND #ttl > :now',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':pk': subjectPartition(subjectId), ':f': false, ':now': nowEpochSeconds },
    ScanIndexForward: false,
    Limit: limit,
    ExclusiveStartKey: startKey,
  }));
  return { items: (page.Items ?? []).map(toFamily), lastKey: page.LastEvaluatedKey };
}

export async function isFamilyRevoked(familyId: string): Promise<boolean> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: refreshFamilyKey(familyId), ConsistentRead: true }));
  return !out.Item || out.Item.revoked === true;
}

export async function revokeFamily(familyId: string, now: string): Promise<void> {
  await db.send(new UpdateCommand({
    TableName: tableName(),
    Key: refreshFamilyKey(familyId),
    UpdateExpression: 'SET revoked = :t, revokedAt = :now',
    ConditionExpression: 'attribute_exists(PK)',
    ExpressionAttributeValues: { ':t': true, ':now': now },
  })).catch((err) => {
    if (!isConditionFailure(err)) throw err;
  });
}

/** Revoke every refresh-token family of a subject (secret reset, app user disabled). */
export async function revokeFamiliesOf(subjectId: string, now: string): Promise<number> {
  let key: Record<string, unknown> | undefined;
  let count = 0;
  do {
    const page = await db.send(new QueryCommand({
      TableName: tableName(),
      IndexName: GSI.GSI1.name,
      KeyConditionExpression: 'GSI1PK = :pk',
      FilterExpression: 'revoked = :f',
      ExpressionAttributeValues: { ':pk': subjectPartition(subjectId), ':f': false },
      ExclusiveStartKey: key,
    }));
    for (const f of page.Items ?? []) {
      await revokeFamily(f.familyId as string, now);
      count++;
    }
    key = page.LastEvaluatedKey;
  } while (key);
  return count;
}
