/**
 * Memberships: one item per (workspace, user).
 *
 * Derived index attributes follow the member's state on every write:
 *  - GSI1 (USER#id → WS#id): the workspaces of a user (`GET /me`).
 *  - GSI2 (SEATS#ws, joinedAt): seat holders — active or suspended, never the
 *    owner — so reconciliation reads only the newest joiners it deactivates.
 *  - ttl = purgeAt while removed: DynamoDB deletes the record after the window,
 *    and the stream delivers the deletion to the purge handler.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { alive, db, tableName, decodeCursor, encodeCursor, type Page, type TxPart } from './core.js';
import { GSI } from './table.js';

export type MemberStatus = 'active' | 'suspended' | 'deactivated' | 'removed';

export interface Member {
  workspaceId: string;
  userId: string;
  email: string;
  fullName: string;
  role: string;
  status: MemberStatus;
  joinedAt: string;
  updatedAt: string;
  suspendedAt?: string;
  deactivatedAt?: string;
  removedAt?: string;
  purgeAt?: string;
  /** State held before removal, so a restore brings it back exactly. */
  beforeRemoval?: { status: Exclude<MemberStatus, 'removed'>; role: string };
  version: number;
}

export const memberKey = (workspaceId: string, userId: string) => ({ PK: `WS#${workspaceId}`, SK: `MEMBER#${userId}` });
export const seatsPartition = (workspaceId: string) => `SEATS#${workspaceId}`;
export const holdsSeat = (status: MemberStatus) => status === 'active' || status === 'suspended';

function memberItem(m: Member) {
  const seat = holdsSeat(m.status) && m.role !== 'owner'
    ? { GSI2PK: seatsPartition(m.workspaceId), GSI2SK: `${m.joinedAt}#${m.userId}` }
    : {};
  const ttl = m.status === 'removed' && m.purgeAt ? { ttl: Math.floor(Date.parse(m.purgeAt) / 1000) } : {};
  return {
    ...memberKey(m.workspaceId, m.userId),
    type: 'member',
    ...m,
    GSI1PK: `USER#${m.userId}`,
    GSI1SK: `WS#${m.workspaceId}`,
    ...seat,
    ...ttl,
  };
}

export const toMember = (i: Record<string, unknown>): Member => {
  const { PK: _a, SK: _b, GSI1PK: _c, GSI1SK: _d, GSI2PK: _e, GSI2SK: _f, ttl: _g, type: _h, ...rest } = i;
  return rest as unknown as Member;
};

/** A new membership; fails (part `member`) if one exists for this user. */
export function putMemberPart(m: Member): TxPart {
  return {
    name: 'member',
    item: { Put: { TableName: tableName(), Item: memberItem({ ...m, version: 0 }), ConditionExpression: 'attribute_not_exists(PK)' } },
  };
}

/** Replace a membership guarded by its version (optimistic concurrency). */
export function replaceMemberPart(m: Member, name = 'member'): TxPart {
  return {
    name,
    item: {
      Put: {
        TableName: tableName(),
        Item: memberItem({ ...m, version: m.version + 1 }),
        ConditionExpression: 'attribute_exists(PK) AND version = :v',
        ExpressionAttributeValues: { ':v': m.version },
      },
    },
  };
}

export function deleteMemberPart(m: Pick<Member, 'workspaceId' | 'userId' | 'version'>): TxPart {
  return {
    name: 'member',
    item: {
      Delete: {
        TableName: tableName(),
        Key: memberKey(m.workspaceId, m.userId),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': m.version },
      },
    },
  };
}

/** Reads treat a removed member past purgeAt as gone (DynamoDB TTL can lag). */
export async function getMember(workspaceId: string, userId: string, nowEpoch: number, consistent = true): Promise<Member | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: memberKey(workspaceId, userId), ConsistentRead: consistent }));
  const item = alive(out.Item, nowEpoch);
  return item ? toMember(item) : undefined;
}

export async function listMembers(
  workspaceId: string,
  opts: { status?: MemberStatus; role?: string; limit: number; cursor?: string; nowEpoch: number },
): Promise<Page<Member>> {
  const scope = `members:${workspaceId}:${opts.status ?? ''}:${opts.role ?? ''}`;
  const filters = ['(attribute_not_exists(#ttl) OR #ttl > :now)'];
  const names: Record<string, string> = { '#ttl': 'ttl' };
  const values: Record<string, unknown> = { ':pk': `WS#${workspaceId}`, ':sk': 'MEMBER#', ':now': opts.nowEpoch };
  if (opts.status) { filters.push('#status = :status'); names['#status'] = 'status'; values[':status'] = opts.status; }
  if (opts.role) { filters.push('#role = :role'); names['#role'] = 'role'; values[':role'] = opts.role; }
  // A filtered query may return short pages; keep reading until the page is full or the list ends.
  const items: Member[] = [];
  let key = await decodeCursor(scope, opts.cursor);
  do {
    const out = await db.send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      FilterExpression: filters.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      Limit: opts.limit - items.length,
      ExclusiveStartKey: key,
    }));
    items.push(...(out.Items ?? []).map(toMember));
    key = out.LastEvaluatedKey;
  } while (key && items.length < opts.limit);
  return { items, nextCursor: await encodeCursor(scope, key) };
}

/** The workspaces a user belongs to (GSI1), newest state. */
export async function listMembershipsOfUser(userId: string, nowEpoch: number): Promise<Member[]> {
  const out: Member[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({
      TableName: tableName(),
      IndexName: GSI.GSI1.name,
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :ws)',
      ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':ws': 'WS#' },
      ExclusiveStartKey: key,
    }));
    for (const i of page.Items ?? []) if (i.type === 'member' && alive(i, nowEpoch)) out.push(toMember(i));
    key = page.LastEvaluatedKey;
  } while (key);
  return out;
}

/** The newest seat holders of a workspace (never the owner), newest first. */
export async function newestSeatHolders(workspaceId: string, count: number): Promise<Member[]> {
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    IndexName: GSI.GSI2.name,
    KeyConditionExpression: 'GSI2PK = :pk',
    ExpressionAttributeValues: { ':pk': seatsPartition(workspaceId) },
    ScanIndexForward: false,
    Limit: count,
  }));
  return (out.Items ?? []).map(toMember);
}

export const exampleMember = (over: Partial<Member> = {}): Member => ({
  workspaceId: 'ws_01JEXAMPLE0000000000000000',
  userId: 'usr_01JEXAMPLE0000000000000000',
  email: 'ada@example.com',
  fullName: 'Ada Lovelace',
  role: 'contributor',
  status: 'active',
  joinedAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  version: 0,
  ...over,
});
