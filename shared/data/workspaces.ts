/** Workspaces: settings, the seat counter and the owner pointer live on one item. */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch.js';
import { db, declareParts, tableName, type Item, type TxPart } from './core.js';
import { isConditionFailure } from './conditions.js';
import { GSI } from './table.js';

/** `seat` fails when no seat is free (take) or none is held (release). */
export const WorkspacePart = declareParts({ workspace: 'workspace', seat: 'seat' });

export interface Workspace {
  id: string;
  name: string;
  defaultRole: string;
  seatLimit: number;
  seatsUsed: number;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const workspaceKey = (workspaceId: string) => ({ PK: `WS#${workspaceId}`, SK: 'META' });

/** Sparse GSI3 partition listing the workspaces whose seats used exceed the limit. */
export const OVER_LIMIT_PARTITION = 'OVER_LIMIT';

const toWorkspace = (i: Record<string, unknown>): Workspace => ({
  id: i.id as string,
  name: i.name as string,
  defaultRole: i.defaultRole as string,
  seatLimit: i.seatLimit as number,
  seatsUsed: i.seatsUsed as number,
  ownerId: i.ownerId as string,
  createdAt: i.createdAt as string,
  updatedAt: i.updatedAt as string,
  version: (i.version as number | undefined) ?? 0,
});

export async function getWorkspace(workspaceId: string, consistent = false): Promise<Workspace | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: workspaceKey(workspaceId), ConsistentRead: consistent }));
  return out.Item ? toWorkspace(out.Item) : undefined;
}

const overLimitAttrs = (w: Pick<Workspace, 'id' | 'seatLimit' | 'seatsUsed'>) =>
  w.seatsUsed > w.seatLimit ? { GSI3PK: OVER_LIMIT_PARTITION, GSI3SK: `WS#${w.id}` } : {};

export function putWorkspacePart(w: Workspace): TxPart {
  return {
    name: WorkspacePart.workspace,
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...workspaceKey(w.id), type: 'workspace', ...w, ...overLimitAttrs(w) },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  };
}

/**
 * Replace the workspace item as a whole, guarded by its version (optimistic
 * concurrency); derived attributes such as the over-limit index follow the state.
 */
export function replaceWorkspacePart(w: Workspace): TxPart {
  const next = { ...w, version: w.version + 1 };
  return {
    name: WorkspacePart.workspace,
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...workspaceKey(w.id), type: 'workspace', ...next, ...overLimitAttrs(next) },
        ConditionExpression: 'attribute_exists(PK) AND version = :v',
        ExpressionAttributeValues: { ':v': w.version },
      },
    },
  };
}

/**
 * Take one seat: fails (part `seat`) when none is free. Counter updates bump the
 * version too, so a concurrent whole-item replace (replaceWorkspacePart) cannot
 * write back a stale count. They never push a workspace over its limit, so the
 * over-limit index is only entered through replaceWorkspacePart (a lowered limit);
 * an entry may outlive the excess (a seat freed since) and reconciliation clears it.
 */
export function takeSeatPart(workspaceId: string, now: string): TxPart {
  return {
    name: WorkspacePart.seat,
    item: {
      Update: {
        TableName: tableName(),
        Key: workspaceKey(workspaceId),
        UpdateExpression: 'SET seatsUsed = seatsUsed + :one, version = version + :one, updatedAt = :now',
        ConditionExpression: 'attribute_exists(PK) AND seatsUsed < seatLimit',
        ExpressionAttributeValues: { ':one': 1, ':now': now },
      },
    },
  };
}

/** Free one seat. Never below zero. */
export function releaseSeatPart(workspaceId: string, now: string): TxPart {
  return {
    name: WorkspacePart.seat,
    item: {
      Update: {
        TableName: tableName(),
        Key: workspaceKey(workspaceId),
        UpdateExpression: 'SET seatsUsed = seatsUsed - :one, version = version + :one, updatedAt = :now',
        ConditionExpression: 'attribute_exists(PK) AND seatsUsed > :zero',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':now': now },
      },
    },
  };
}

/**
 * Free one seat only while the workspace is over its limit: however many
 * reconciliation runs overlap, together they free exactly the excess.
 */
export function releaseExcessSeatPart(workspaceId: string, now: string): TxPart {
  return {
    name: WorkspacePart.seat,
    item: {
      Update: {
        TableName: tableName(),
        Key: workspaceKey(workspaceId),
        UpdateExpression: 'SET seatsUsed = seatsUsed - :one, version = version + :one, updatedAt = :now',
        ConditionExpression: 'attribute_exists(PK) AND seatsUsed > seatLimit',
        ExpressionAttributeValues: { ':one': 1, ':now': now },
      },
    },
  };
}

/** The workspace (consistent read) and whether it is listed in the over-limit index. */
export async function getSeatState(workspaceId: string): Promise<{ workspace: Workspace; listedOverLimit: boolean } | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: workspaceKey(workspaceId), ConsistentRead: true }));
  return out.Item ? { workspace: toWorkspace(out.Item), listedOverLimit: out.Item.GSI3PK === OVER_LIMIT_PARTITION } : undefined;
}

/**
 * Drop a workspace from the over-limit index once it is within its limit. The
 * condition is checked on the item as it is now, so a limit lowered meanwhile
 * keeps the entry (false is returned: the workspace is over its limit again).
 */
export async function clearOverLimitEntry(workspaceId: string): Promise<boolean> {
  try {
    await db.send(new UpdateCommand({
      TableName: tableName(),
      Key: workspaceKey(workspaceId),
      UpdateExpression: 'REMOVE GSI3PK, GSI3SK',
      ConditionExpression: 'attribute_exists(PK) AND seatsUsed <= seatLimit',
    }));
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** One page of the over-limit index (GSI3 partition OVER_LIMIT): workspace ids only. */
export async function overLimitWorkspaceIds(startKey?: Item): Promise<{ ids: string[]; next?: Item }> {
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    IndexName: GSI.GSI3.name,
    KeyConditionExpression: 'GSI3PK = :pk',
    ExpressionAttributeValues: { ':pk': OVER_LIMIT_PARTITION },
    ProjectionExpression: 'id',
    ExclusiveStartKey: startKey,
  }));
  return { ids: (out.Items ?? []).map((i) => i.id as string), next: out.LastEvaluatedKey };
}

export const exampleWorkspace = (over: Partial<Workspace> = {}): Workspace => ({
  id: 'ws_01JEXAMPLE0000000000000000',
  name: 'Acme',
  defaultRole: 'contributor',
  seatLimit: 10,
  seatsUsed: 1,
  ownerId: 'usr_01JEXAMPLE0000000000000000',
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  version: 0,
  ...over,
});

export async function getWorkspacesByIds(ids: string[]): Promise<Workspace[]> {
  return (await batchGet(ids.map(workspaceKey))).map(toWorkspace);
}
