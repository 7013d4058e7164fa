/**
 * Invitations. Three items per outstanding invitation, always written together:
 *  - WS#<ws> / INV#<id>          the invitation (listing: a workspace's invitations, oldest first);
 *  - WS#<ws> / INVEMAIL#<email>  at most one outstanding invitation per (workspace, email);
 *  - INVTOKEN#<hash> / INVTOKEN  the link: token hash → invitation. Deleting it is what makes
 *                                a link single-use, and a resend replaces it (the old link dies).
 * Accepted and revoked invitations are deleted (the audit log keeps their story), so
 * every INV# item is pending or expired; expiry is decided at read time.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch.js';
import { db, tableName, queryPage, type Item, type Page, type PartName, type TxPart, declareParts } from './core.js';
import { emailKey } from './users.js';
import { memberKey, toMember, type Member } from './members.js';

/**
 * Transaction part names. `email` (the one pending invitation per address) fails on a
 * duplicate; `token` fails once a link is used, resent or revoked; `old` fails when
 * the invitation being replaced changed since it was read.
 */
export const InvitationPart = declareParts({
  invitation: 'invitation', email: 'inviteEmail', token: 'token', old: 'oldInvitation', oldToken: 'oldToken',
});

export interface Inviter {
  type: 'user' | 'app';
  /** A user id, or an application user's client id. */
  userId: string;
  fullName: string;
}

export interface Invitation {
  id: string;
  workspaceId: string;
  email: string;
  role: string;
  invitedBy: Inviter;
  createdAt: string;
  expiresAt: string;
  /** Kept so a resend grants the same validity period. */
  expiresInDays: number;
  lastSentAt: string;
  emailStatus: 'queued' | 'sent' | 'failed';
  /** The outbox message whose delivery `emailStatus` mirrors (the newest send). */
  emailMessageId: string;
  tokenHash: string;
  /** Where a browser goes after accepting (allow-listed when invited); none: into the Console. */
  redirectUri?: string;
  version: number;
}

export const invitationKey = (workspaceId: string, id: string) => ({ PK: `WS#${workspaceId}`, SK: `INV#${id}` });
export const invitationEmailKey = (workspaceId: string, email: string) => ({ PK: `WS#${workspaceId}`, SK: `INVEMAIL#${email}` });
export const invitationTokenKey = (tokenHash: string) => ({ PK: `INVTOKEN#${tokenHash}`, SK: 'INVTOKEN' });

export const toInvitation = (i: Item): Invitation => {
  const { PK: _a, SK: _b, type: _c, ...rest } = i;
  return rest as unknown as Invitation;
};

export async function getInvitation(workspaceId: string, id: string): Promise<Invitation | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: invitationKey(workspaceId, id), ConsistentRead: true }));
  return out.Item ? toInvitation(out.Item) : undefined;
}

/** The invitation a link points to, if the link is still live. */
export async function getInvitationByTokenHash(tokenHash: string): Promise<Invitation | undefined> {
  const link = await db.send(new GetCommand({ TableName: tableName(), Key: invitationTokenKey(tokenHash), ConsistentRead: true }));
  if (!link.Item) return undefined;
  const inv = await getInvitation(link.Item.workspaceId as string, link.Item.invitationId as string);
  return inv?.tokenHash === tokenHash ? inv : undefined;
}

export async function listInvitations(workspaceId: string, limit: number, cursor: string | undefined): Promise<Page<Invitation>> {
  return queryPage({
    scope: `invitations:${workspaceId}`,
    query: {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': 'INV#' },
    },
    limit,
    cursor,
    select: (items) => items.map(toInvitation),
  });
}

async function batchGetByKey(keys: { PK: string; SK: string }[]): Promise<Map<string, Item>> {
  const found = await batchGet(keys, { consistent: true });
  return new Map(found.map((item) => [`${item.PK}|${item.SK}`, item]));
}

const k = (key: { PK: string; SK: string }) => `${key.PK}|${key.SK}`;

export interface InviteeState {
  email: string;
  /** The membership of this email's user in the workspace (any status, TTL not applied). */
  member?: Member;
  /** The outstanding invitation for this email. */
  invitation?: Invitation;
}

/** For a batch of emails: their memberships and outstanding invitations in one workspace. */
export async function inviteeStates(workspaceId: string, emails: string[]): Promise<InviteeState[]> {
  const first = await batchGetByKey(emails.flatMap((e) => [emailKey(e), invitationEmailKey(workspaceId, e)]));
  const userIds = new Map<string, string>();
  const invitationIds = new Map<string, string>();
  for (const e of emails) {
    const user = first.get(k(emailKey(e)));
    if (user) userIds.set(e, user.userId as string);
    const inv = first.get(k(invitationEmailKey(workspaceId, e)));
    if (inv) invitationIds.set(e, inv.invitationId as string);
  }
  const second = await batchGetByKey([
    ...[...userIds.values()].map((u) => memberKey(workspaceId, u)),
    ...[...invitationIds.values()].map((id) => invitationKey(workspaceId, id)),
  ]);
  return emails.map((email) => {
    const userId = userIds.get(email);
    const invitationId = invitationIds.get(email);
    const member = userId ? second.get(k(memberKey(workspaceId, userId))) : undefined;
    const invitation = invitationId ? second.get(k(invitationKey(workspaceId, invitationId))) : undefined;
    return { email, member: member && toMember(member), invitation: invitation && toInvitation(invitation) };
  });
}

const put = (name: PartName, item: Item, condition = 'attribute_not_exists(PK)', values?: Item): TxPart => ({
  name,
  item: { Put: { TableName: tableName(), Item: item, ConditionExpression: condition, ExpressionAttributeValues: values } },
});

const del = (name: PartName, key: { PK: string; SK: string }, condition: string, values?: Item): TxPart => ({
  name,
  item: { Delete: { TableName: tableName(), Key: key, ConditionExpression: condition, ExpressionAttributeValues: values } },
});

const invitationItem = (inv: Invitation) => ({ ...invitationKey(inv.workspaceId, inv.id), type: 'invitation', ...inv });
const tokenItem = (inv: Pick<Invitation, 'workspaceId' | 'id' | 'tokenHash'>) =>
  ({ ...invitationTokenKey(inv.tokenHash), type: 'invitationToken', workspaceId: inv.workspaceId, invitationId: inv.id });
const emailItem = (inv: Pick<Invitation, 'workspaceId' | 'id' | 'email'>) =>
  ({ ...invitationEmailKey(inv.workspaceId, inv.email), type: 'invitationEmail', invitationId: inv.id });

/** A new invitation; fails with part `InvitationPart.email` when the email already has one. */
export function putInvitationParts(inv: Invitation): TxPart[] {
  return [
    put(InvitationPart.invitation, invitationItem({ ...inv, version: 0 })),
    put(InvitationPart.email, emailItem(inv)),
    put(InvitationPart.token, tokenItem(inv)),
  ];
}

/**
 * Replace an expired invitation for the same email with a new one. Fails with part
 * `oldInvitation` if the old one changed since read (resent, accepted, revoked).
 */
export function replaceExpiredInvitationParts(old: Invitation, next: Invitation, nowIso: string): TxPart[] {
  return [
    del(InvitationPart.old, invitationKey(old.workspaceId, old.id), 'version = :v AND expiresAt <= :now', { ':v': old.version, ':now': nowIso }),
    del(InvitationPart.oldToken, invitationTokenKey(old.tokenHash), 'attribute_exists(PK)'),
    put(InvitationPart.invitation, invitationItem({ ...next, version: 0 })),
    put(InvitationPart.email, emailItem(next), 'invitationId = :old', { ':old': old.id }),
    put(InvitationPart.token, tokenItem(next)),
  ];
}

/** New link and expiry; the old link's item goes in the same transaction. */
export function resendInvitationParts(
  current: Invitation,
  next: Pick<Invitation, 'tokenHash' | 'expiresAt' | 'lastSentAt' | 'emailMessageId'>,
): TxPart[] {
  return [
    put(InvitationPart.invitation, invitationItem({ ...current, ...next, emailStatus: 'queued', version: current.version + 1 }),
      'version = :v', { ':v': current.version }),
    del(InvitationPart.oldToken, invitationTokenKey(current.tokenHash), 'attribute_exists(PK)'),
    put(InvitationPart.token, tokenItem({ ...current, tokenHash: next.tokenHash })),
  ];
}

export function deleteInvitationParts(inv: Invitation): TxPart[] {
  return [
    del(InvitationPart.invitation, invitationKey(inv.workspaceId, inv.id), 'version = :v', { ':v': inv.version }),
    del(InvitationPart.email, invitationEmailKey(inv.workspaceId, inv.email), 'invitationId = :id', { ':id': inv.id }),
    del(InvitationPart.token, invitationTokenKey(inv.tokenHash), 'attribute_exists(PK)'),
  ];
}

/**
 * Use a link: its token item must still exist (part `InvitationPart.token`: used, resent or revoked
 * otherwise) and the invitation must still be unexpired (part `InvitationPart.invitation`).
 */
export function consumeInvitationParts(inv: Invitation, nowIso: string): TxPart[] {
  return [
    del(InvitationPart.token, invitationTokenKey(inv.tokenHash), 'attribute_exists(PK)'),
    del(InvitationPart.invitation, invitationKey(inv.workspaceId, inv.id), 'tokenHash = :h AND expiresAt > :now', { ':h': inv.tokenHash, ':now': nowIso }),
    del(InvitationPart.email, invitationEmailKey(inv.workspaceId, inv.email), 'invitationId = :id', { ':id': inv.id }),
  ];
}

export const exampleInvitation = (over: Partial<Invitation> = {}): Invitation => ({
  id: 'inv_01JEXAMPLE0000000000000000',
  workspaceId: 'ws_01JEXAMPLE0000000000000000',
  email: 'grace@example.com',
  role: 'contributor',
  invitedBy: { type: 'user', userId: 'usr_01JEXAMPLE0000000000000000', fullName: 'Ada Lovelace' },
  createdAt: '2026-11-22T10:00:00.000Z',
  expiresAt: '2026-11-29T10:00:00.000Z',
  expiresInDays: 7,
  lastSentAt: '2026-11-22T10:00:00.000Z',
  emailStatus: 'queued',
  emailMessageId: 'out_01JEXAMPLE0000000000000000',
  tokenHash: 'hash',
  version: 0,
  ...over,
});
