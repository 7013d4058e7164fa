/**
 * Authorization codes of the sign-in hand-off (RFC 6749 §4.1, RFC 7636), stored by
 * code hash with a TTL. A code is marked used — not deleted — by the one conditional
 * update that redeems it, so a second use can find, and revoke, the session the
 * first one started (RFC 6749 §4.1.2).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConditionFailure, tableName } from './core.js';

export interface AuthorizationCode {
  userId: string;
  /** BASE64URL(SHA-256(code_verifier)), the only PKCE method we accept. */
  codeChallenge: string;
  redirectUri: string;
  /** The browser that pressed "Sign in": the session is listed under it. */
  userAgent?: string;
  createdAt: string;
  expiresAt: string;
}

export const authorizationCodeKey = (codeHash: string) => ({ PK: `AUTHCODE#${codeHash}`, SK: 'AUTHCODE' });

export async function putAuthorizationCode(codeHash: string, code: AuthorizationCode): Promise<void> {
  await db.send(new PutCommand({
    TableName: tableName(),
    Item: { ...authorizationCodeKey(codeHash), type: 'authorizationCode', ...code, ttl: Math.floor(Date.parse(code.expiresAt) / 1000) },
    ConditionExpression: 'attribute_not_exists(PK)',
  }));
}

export type Redemption =
  | { outcome: 'redeemed'; code: AuthorizationCode }
  /** Already redeemed: `familyId` is the session that redemption started. */
  | { outcome: 'reused'; familyId?: string }
  | { outcome: 'invalid' };

/**
 * Redeem a code once: only an existing, unused, unexpired code is marked used, and the
 * session it is about to start (`familyId`) is recorded on it in the same write. A
 * second use marks the code `reusedAt` (so the first use, if it is still starting its
 * session, finds out: `wasReused`) and learns which session to revoke.
 */
export async function redeemAuthorizationCode(codeHash: string, familyId: string, nowIso: string): Promise<Redemption> {
  try {
    const out = await db.send(new UpdateCommand({
      TableName: tableName(),
      Key: authorizationCodeKey(codeHash),
      UpdateExpression: 'SET usedAt = :now, familyId = :fam',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(usedAt) AND expiresAt > :now',
      ExpressionAttributeValues: { ':now': nowIso, ':fam': familyId },
      ReturnValues: 'ALL_NEW',
    }));
    const i = out.Attributes!;
    return {
      outcome: 'redeemed',
      code: {
        userId: i.userId, codeChallenge: i.codeChallenge, redirectUri: i.redirectUri, userAgent: i.userAgent,
        createdAt: i.createdAt, expiresAt: i.expiresAt,
      },
    };
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
  try {
    const seen = await db.send(new UpdateCommand({
      TableName: tableName(),
      Key: authorizationCodeKey(codeHash),
      UpdateExpression: 'SET reusedAt = if_not_exists(reusedAt, :now)',
      ConditionExpression: 'attribute_exists(usedAt)',
      ExpressionAttributeValues: { ':now': nowIso },
      ReturnValues: 'ALL_NEW',
    }));
    return { outcome: 'reused', familyId: seen.Attributes?.familyId as string | undefined };
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return { outcome: 'invalid' };
  }
}

/** Has a second use of this code been seen (read after the first use started its session)? */
export async function wasReused(codeHash: string): Promise<boolean> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: authorizationCodeKey(codeHash), ConsistentRead: true }));
  return out.Item?.reusedAt !== undefined;
}
