/**
 * Memberships: one item per (workspace, user).
 *
 * Derived index attributes follow the member's state on every write:
 *  - GSI1 (USER#id → WS#id): the workspaces of a user (`GET /me`).
 *  - GSI2 (SEATS#ws, joinedAt): seat holders — active or suspended, never the
 *    owner — so reconciliation reads only the newest joiners it deactivates.
 *  - GSI3 (ADMINS#ws): active owners and admins, so notifying a workspace's
 *    administrators reads a handful of items whatever the workspace's size.
 *  - ttl = purgeAt while removed: DynamoDB deletes the record after the window,
 *    and the stream delivers the deletion to the purge handler.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, batchWrite } from './batch.js';
import { alive, db, declareParts, declarePartFamily, tableName, queryPage, type Page, type PartName, type TxPart } from './core.js';
import { GSI } from './table.js';
import { isAdminRole } from '../admin-roles.js';

/** Transaction part names; `transferFrom`/`transferTo` tell the two memberships of an ownership transfer apart. */
export const MemberPart = declareParts({ member: 'member', transferFrom: 'member:from', transferTo: 'member:to' });
const activeMemberPart = declarePartFamily('activeMember');

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
export const adminsPartition = (workspaceId: string) => `ADMINS#${workspaceId}`;
export const holdsSeat = (status: MemberStatus) => status === 'active' || status === 'suspended';

function memberItem(m: Member) {
  const seat = holdsSeat(m.status) && m.role !== 'owner'
    ? { GSI2PK: seatsPartition(m.workspaceId), GSI2SK: `${m.joinedAt}#${m.userId}` }
    : {};
  const admin = m.status === 'active' && isAdminRole(m.role)
    ? { GSI3PK: adminsPartition(m.workspaceId), GSI3SK: `MEMBER#${m.userId}` }
    : {};
  const ttl = m.status === 'removed' && m.purgeAt ? { ttl: Math.floor(Date.parse(m.purgeAt) / 1000) } : {};
  return {
    ...memberKey(m.workspaceId, m.userId),
    type: 'member',
    ...m,
    GSI1PK: `USER#${m.userId}`,
    GSI1SK: `WS#${m.workspaceId}`,
    ...seat,
    ...admin,
    ...ttl,
  };
}

export const toMember = (i: Record<string, unknown>): Member => {
  const { PK: _a, SK: _b, GSI1PK: _c, GSI1SK: _d, GSI2PK: _e, GSI2SK: _f, GSI3PK: _i, GSI3SK: _j, ttl: _g, type: _h, ...rest } = i;
  return rest as unknown as Member;
};

/** A new membership; fails (part `member`) if one exists for this user. */
export function putMemberPart(m: Member): TxPart {
  return {
    name: MemberPart.member,
    item: { Put: { TableName: tableName(), Item: memberItem({ ...m, version: 0 }), ConditionExpression: 'attribute_not_exists(PK)' } },
  };
}

/**
 * Replace a membership guarded by its version (optimistic concurrency). With
 * `aliveAt`, the write also fails once the record is past its TTL: DynamoDB's TTL
 * deletion can lag, and a restore must not revive a record the window has closed on.
 */
export function replaceMemberPart(m: Member, name: PartName = MemberPart.member, opts: { aliveAt?: number } = {}): TxPart {
  const alive = opts.aliveAt === undefined ? {} : {
    ConditionExpression: 'attribute_exists(PK) AND version = :v AND (attribute_not_exists(#ttl) OR #ttl > :now)',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':v': m.version, ':now': opts.aliveAt },
  };
  return {
    name,
    item: {
      Put: {
        TableName: tableName(),
        Item: memberItem({ ...m, version: m.version + 1 }),
        ConditionExpression: 'attribute_exists(PK) AND version = :v',
        ExpressionAttributeValues: { ':v': m.version },
        ...alive,
      },
    },
  };
}

export function deleteMemberPart(m: Pick<Member, 'workspaceId' | 'userId' | 'version'>): TxPart {
  return {
    name: MemberPart.member,
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
  opts: { status?: MemberStatus; excludeStatus?: MemberStatus; role?: string; limit: number; cursor?: string; nowEpoch: number },
): Promise<Page<Member>> {
  const scope = `members:${workspaceId}:${opts.status ?? ''}:${opts.role ?? ''}:${opts.excludeStatus ?? ''}`;
  const filters = ['(attribute_not_exists(#ttl) OR #ttl > :now)'];
  const names: Record<string, string> = { '#ttl': 'ttl' };
  const values: Record<string, unknown> = { ':pk': `WS#${workspaceId}`, ':sk': 'MEMBER#', ':now': opts.nowEpoch };
  if (opts.status) { filters.push('#status = :status'); names['#status'] = 'status'; values[':status'] = opts.status; }
  if (opts.excludeStatus) { filters.push('#status <> :notStatus'); names['#status'] = 'status'; values[':notStatus'] = opts.excludeStatus; }
  if (opts.role) { filters.push('#role = :role'); names['#role'] = 'role'; values[':role'] = opts.role; }
  return queryPage({
    scope,
    query: {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      FilterExpression: filters.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
    limit: opts.limit,
    cursor: opts.cursor,
    select: (items) => items.map(toMember),
  });
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

/** The active owners and admins of a workspace (GSI3; at most a few items). */
export async function activeAdmins(workspaceId: string): Promise<Member[]> {
  const out: Member[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({
      TableName: tableName(),
      IndexName: GSI.GSI3.name,
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': adminsPartition(workspaceId) },
      ExclusiveStartKey: key,
    }));
    out.push(...(page.Items ?? []).map(toMember));
    key = page.LastEvaluatedKey;
  } while (key);
  return out;
}

/** The columns of a membership the CSV export needs. */
export type ExportedMember = Pick<Member, 'userId' | 'fullName' | 'email' | 'role' | 'joinedAt' | 'status'>;

/**
 * Pages of the export read. Member items are ~400 bytes, so DynamoDB still returns
 * close to 1 MB a page; without a Limit, DynamoDB Local (development, benchmarks)
 * does work proportional to the rest of the partition for every page, which made
 * a 100,000-member export five times slower there.
 */
const EXPORT_PAGE_ITEMS = 2000;

/**
 * Every live, non-removed membership of a workspace, page by page, projected to
 * the exported columns. The next page is requested before the current one is
 * handed over, so reading overlaps with whatever the caller does with a page.
 */
export async function* exportedMemberPages(workspaceId: string, nowEpoch: number): AsyncGenerator<ExportedMember[]> {
  const query = (key: Record<string, unknown> | undefined) => db.send(new QueryCommand({
    TableName: tableName(),
    Limit: EXPORT_PAGE_ITEMS,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
    FilterExpression: '#status <> :removed AND (attribute_not_exists(#ttl) OR #ttl > :now)',
    ProjectionExpression: 'userId, fullName, email, #role, joinedAt, #status',
    ExpressionAttributeNames: { '#status': 'status', '#role': 'role', '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': 'MEMBER#', ':removed': 'removed', ':now': nowEpoch },
    ExclusiveStartKey: key,
  }));
  const prefetch = (key: Record<string, unknown> | undefined) => {
    const p = query(key);
    // A caller that stops early never awaits the prefetched page; its failure must not go unhandled.
    p.catch(() => undefined);
    return p;
  };
  let pending = prefetch(undefined);
  for (;;) {
    const page = await pending;
    const next = page.LastEvaluatedKey;
    if (next) pending = prefetch(next);
    yield (page.Items ?? []) as ExportedMember[];
    if (!next) return;
  }
}

/**
 * Bulk-load memberships (benchmarks and imports): BatchWrite in chunks of 25 with
 * the same derived attributes as every other write. Unconditional, so it never
 * replaces the transactional paths that keep the seat counter exact.
 */
export async function batchPutMembers(members: Member[]): Promise<void> {
  await batchWrite(members.map((m) => ({ PutRequest: { Item: memberItem(m) } })));
}

/** Many memberships of one workspace by user id (BatchGetItem, 100 keys a call); missing ones are absent. */
export async function getMembersByIds(workspaceId: string, userIds: string[], nowEpoch: number): Promise<Map<string, Member>> {
  const items = await batchGet(userIds.map((u) => memberKey(workspaceId, u)), { consistent: true });
  return new Map(items.filter((item) => alive(item, nowEpoch)).map((item) => [item.userId as string, toMember(item)]));
}

/**
 * Transaction guard: the membership is still active when the transaction commits,
 * so a grant to someone cannot race with their suspension or removal.
 */
export function activeMemberCheckPart(workspaceId: string, userId: string): TxPart {
  return {
    name: activeMemberPart(userId),
    item: {
      ConditionCheck: {
        TableName: tableName(),
        Key: memberKey(workspaceId, userId),
        ConditionExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      },
    },
  };
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
