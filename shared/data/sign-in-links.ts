/** Single-use email sign-in links, stored by token hash with a TTL. */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { db, declareParts, tableName, type TxPart } from './core.js';
import { isConditionFailure } from './conditions.js';
import { toEpochSeconds } from '../clock.js';

export const SignInLinkPart = declareParts({ link: 'signInLink' });

export interface SignInLink {
  email: string;
  fullName?: string;
  createdAt: string;
  expiresAt: string;
  /** Where pressing "Sign in" hands the person off to (a host product, or the Console's callback). */
  handoff?: Handoff;
}

export interface Handoff {
  redirectUri: string;
  state?: string;
  codeChallenge: string;
}

export const signInLinkKey = (tokenHash: string) => ({ PK: `SIGNIN#${tokenHash}`, SK: 'SIGNIN' });

export function putSignInLinkPart(tokenHash: string, link: SignInLink): TxPart {
  return {
    name: SignInLinkPart.link,
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...signInLinkKey(tokenHash), type: 'signInLink', ...link, ttl: toEpochSeconds(link.expiresAt) },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  };
}

/** Consume a link: delete it only if unexpired; the delete is what makes it single-use. */
export async function consumeSignInLink(tokenHash: string, nowIso: string): Promise<SignInLink | undefined> {
  try {
    const out = await db.send(new DeleteCommand({
      TableName: tableName(),
      Key: signInLinkKey(tokenHash),
      ConditionExpression: 'attribute_exists(PK) AND expiresAt > :now',
      ExpressionAttributeValues: { ':now': nowIso },
      ReturnValues: 'ALL_OLD',
    }));
    const i = out.Attributes;
    return i ? { email: i.email, fullName: i.fullName, createdAt: i.createdAt, expiresAt: i.expiresAt, handoff: i.handoff } : undefined;
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}
