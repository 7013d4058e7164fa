/**
 * Marketplace installations in a workspace and the people added to them.
 *
 *  - The installation item (WS#ws / APPINST#appId), version-guarded. Each install
 *    gets a fresh `installId`, so anything left over from an earlier install of the
 *    same app (clean-up after uninstall runs outside its transaction) is recognisably
 *    stale and ignored.
 *  - One assignment per (app, person) (WS#ws / APPUSER#appId#userId): pending,
 *    authorized, or excluded (taken out of an "all" install). An assignment records the
 *    membership's `joinedAt`, so after a purge and a fresh invitation the old
 *    authorization does not come back to life. Assignments are version-guarded too.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch.js';
import { db, declareParts, declarePartFamily, queryPage, tableName, type Item, type Page, type TxPart } from './core.js';

export const InstallationPart = declareParts({ installation: 'installation' });
const assignmentPart = declarePartFamily('assignment');

export type Audience = 'me' | 'all' | 'specific';
export type AssignmentStatus = 'pending' | 'authorized' | 'excluded';

export interface Installation {
  workspaceId: string;
  appId: string;
  installId: string;
  audience: Audience;
  installedBy: string;
  installedAt: string;
  updatedAt: string;
  version: number;
}

export interface AppAssignment {
  workspaceId: string;
  appId: string;
  userId: string;
  installId: string;
  status: AssignmentStatus;
  addedAt: string;
  authorizedAt?: string;
  /** joinedAt of the membership this assignment was made for. */
  memberJoinedAt: string;
  version: number;
}

export const installationKey = (workspaceId: string, appId: string) => ({ PK: `WS#${workspaceId}`, SK: `APPINST#${appId}` });
export const assignmentKey = (workspaceId: string, appId: string, userId: string) =>
  ({ PK: `WS#${workspaceId}`, SK: `APPUSER#${appId}#${userId}` });

const strip = <T>(item: Item): T => {
  const { PK: _a, SK: _b, type: _c, ...rest } = item;
  return rest as T;
};

export function putInstallationPart(i: Installation): TxPart {
  return {
    name: InstallationPart.installation,
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...installationKey(i.workspaceId, i.appId), type: 'installation', ...i, version: 0 },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  };
}

export function replaceInstallationPart(i: Installation): TxPart {
  return {
    name: InstallationPart.installation,
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...installationKey(i.workspaceId, i.appId), type: 'installation', ...i, version: i.version + 1 },
        ConditionExpression: 'attribute_exists(PK) AND version = :v',
        ExpressionAttributeValues: { ':v': i.version },
      },
    },
  };
}

export function deleteInstallationPart(i: Installation): TxPart {
  return {
    name: InstallationPart.installation,
    item: {
      Delete: {
        TableName: tableName(),
        Key: installationKey(i.workspaceId, i.appId),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': i.version },
      },
    },
  };
}

/** Transaction guard: this very install (not an uninstalled-and-reinstalled one) still exists. */
export function installationCheckPart(i: Installation): TxPart {
  return {
    name: InstallationPart.installation,
    item: {
      ConditionCheck: {
        TableName: tableName(),
        Key: installationKey(i.workspaceId, i.appId),
        ConditionExpression: 'installId = :id',
        ExpressionAttributeValues: { ':id': i.installId },
      },
    },
  };
}

/**
 * Write an assignment. `previous` is the item as read (undefined: none was there), so
 * a concurrent change to the same person's assignment fails the transaction.
 */
export function putAssignmentPart(a: Omit<AppAssignment, 'version'>, previous: AppAssignment | undefined): TxPart {
  const guard = previous
    ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } }
    : { ConditionExpression: 'attribute_not_exists(PK)' };
  return {
    name: assignmentPart(a.userId),
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...assignmentKey(a.workspaceId, a.appId, a.userId), type: 'app-assignment', ...a, version: (previous?.version ?? -1) + 1 },
        ...guard,
      },
    },
  };
}

export function deleteAssignmentPart(a: AppAssignment): TxPart {
  return {
    name: assignmentPart(a.userId),
    item: {
      Delete: {
        TableName: tableName(),
        Key: assignmentKey(a.workspaceId, a.appId, a.userId),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': a.version },
      },
    },
  };
}

export async function getInstallation(workspaceId: string, appId: string, consistent = true): Promise<Installation | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: installationKey(workspaceId, appId), ConsistentRead: consistent }));
  return out.Item ? strip<Installation>(out.Item) : undefined;
}

async function queryAll(workspaceId: string, skPrefix: string): Promise<Item[]> {
  const items: Item[] = [];
  let key: Item | undefined;
  do {
    const out = await db.send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': skPrefix },
      ConsistentRead: true,
      ExclusiveStartKey: key,
    }));
    items.push(...(out.Items ?? []));
    key = out.LastEvaluatedKey;
  } while (key);
  return items;
}

/** The apps installed in a workspace (Query WS#ws, SK begins_with APPINST#). */
export async function listInstallations(workspaceId: string): Promise<Installation[]> {
  return (await queryAll(workspaceId, 'APPINST#')).map((i) => strip<Installation>(i));
}

/** Everyone with an assignment to one app (Query WS#ws, SK begins_with APPUSER#appId#). */
export async function listAssignments(workspaceId: string, appId: string): Promise<AppAssignment[]> {
  return (await queryAll(workspaceId, `APPUSER#${appId}#`)).map((i) => strip<AppAssignment>(i));
}

/**
 * One bounded page of an app's assignments (Query WS#ws, SK begins_with APPUSER#appId#),
 * each judged by `select` (which may drop one); `scope` names the list a cursor belongs to.
 */
export function pageOfAssignments<T>(
  workspaceId: string,
  appId: string,
  page: { scope: string; limit: number; cursor?: string },
  select: (assignments: AppAssignment[]) => Promise<(T | undefined)[]>,
): Promise<Page<T>> {
  return queryPage({
    scope: page.scope,
    query: {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': `APPUSER#${appId}#` },
      ConsistentRead: true,
    },
    limit: page.limit,
    cursor: page.cursor,
    select: (items) => select(items.map((i) => strip<AppAssignment>(i))),
  });
}

/** The assignments of these people to one app, by user id (shared/data/batch.ts). */
export async function getAssignmentsOf(workspaceId: string, appId: string, userIds: string[]): Promise<Map<string, AppAssignment>> {
  const items = await batchGet([...new Set(userIds)].map((u) => assignmentKey(workspaceId, appId, u)), { consistent: true });
  return new Map(items.map((item) => [item.userId as string, strip<AppAssignment>(item)]));
}

export async function getAssignment(workspaceId: string, appId: string, userId: string): Promise<AppAssignment | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: assignmentKey(workspaceId, appId, userId), ConsistentRead: true }));
  return out.Item ? strip<AppAssignment>(out.Item) : undefined;
}
