/**
 * Integrations and who may use them.
 *
 *  - The integration item (WS#ws / INT#id) holds the owner and user lists the API shows.
 *  - One grant item per (integration, person) (WS#ws / INTUSER#userId#intId), so "the
 *    integrations of X" is one Query in the workspace partition, never a scan. A grant
 *    is `dormant` while its holder is removed from the workspace: the person is out of
 *    the integration's lists, and the grant remembers what to give back on restore.
 *
 * Invariant (kept by transactions): each person in owners ∪ users has exactly one
 * live (non-dormant) grant whose `as` matches the list they are in.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, batchWrite } from './batch.js';
import { db, declareParts, declarePartFamily, tableName, queryPage, type Item, type Page, type TxPart } from './core.js';

export const IntegrationPart = declareParts({ integration: 'integration' });
const grantPart = declarePartFamily('grant');

export type IntegrationStatus = 'active' | 'orphaned';
export type GrantRole = 'owner' | 'user';

export interface Integration {
  id: string;
  workspaceId: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  owners: string[];
  users: string[];
  status: IntegrationStatus;
  /** The removed member whose sole ownership orphaned it (restore and purge look for this). */
  orphanedFrom?: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  version: number;
}

export interface IntegrationGrant {
  workspaceId: string;
  userId: string;
  integrationId: string;
  as: GrantRole;
  dormant: boolean;
}

export const integrationKey = (workspaceId: string, integrationId: string) => ({ PK: `WS#${workspaceId}`, SK: `INT#${integrationId}` });
export const grantKey = (workspaceId: string, userId: string, integrationId: string) =>
  ({ PK: `WS#${workspaceId}`, SK: `INTUSER#${userId}#${integrationId}` });

/**
 * `config` is free-form JSON, stored as its JSON text: a DynamoDB map would refuse
 * numbers beyond its range or precision (1e-200, 1e20 through the document client)
 * and empty keys, and would add nesting of its own.
 */
const integrationItem = ({ config, ...rest }: Integration) =>
  ({ ...integrationKey(rest.workspaceId, rest.id), type: 'integration', ...rest, configJson: JSON.stringify(config) });

const toIntegration = (item: Item): Integration => ({
  id: item.id as string,
  workspaceId: item.workspaceId as string,
  name: item.name as string,
  kind: item.kind as string,
  config: typeof item.configJson === 'string' ? JSON.parse(item.configJson) as Record<string, unknown> : {},
  owners: (item.owners as string[] | undefined) ?? [],
  users: (item.users as string[] | undefined) ?? [],
  status: item.status as IntegrationStatus,
  ...(item.orphanedFrom ? { orphanedFrom: item.orphanedFrom as string } : {}),
  createdAt: item.createdAt as string,
  createdBy: item.createdBy as string,
  updatedAt: item.updatedAt as string,
  version: item.version as number,
});

const toGrant = (item: Item): IntegrationGrant => ({
  workspaceId: item.workspaceId as string,
  userId: item.userId as string,
  integrationId: item.integrationId as string,
  as: item.as as GrantRole,
  dormant: item.dormant === true,
});

// ---- writes -------------------------------------------------------------------

export function putIntegrationPart(i: Integration): TxPart {
  return {
    name: IntegrationPart.integration,
    item: { Put: { TableName: tableName(), Item: integrationItem({ ...i, version: 0 }), ConditionExpression: 'attribute_not_exists(PK)' } },
  };
}

/** Replace the integration guarded by its version (optimistic concurrency). */
export function replaceIntegrationPart(i: Integration): TxPart {
  const { orphanedFrom: _drop, ...rest } = i;
  const next = i.status === 'orphaned' ? i : rest;
  return {
    name: IntegrationPart.integration,
    item: {
      Put: {
        TableName: tableName(),
        Item: integrationItem({ ...next, version: i.version + 1 }),
        ConditionExpression: 'attribute_exists(PK) AND version = :v',
        ExpressionAttributeValues: { ':v': i.version },
      },
    },
  };
}

export function deleteIntegrationPart(i: Pick<Integration, 'workspaceId' | 'id' | 'version'>): TxPart {
  return {
    name: IntegrationPart.integration,
    item: {
      Delete: {
        TableName: tableName(),
        Key: integrationKey(i.workspaceId, i.id),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': i.version },
      },
    },
  };
}

export function putGrantPart(g: IntegrationGrant): TxPart {
  return {
    name: grantPart(g.userId),
    item: { Put: { TableName: tableName(), Item: { ...grantKey(g.workspaceId, g.userId, g.integrationId), type: 'integration-grant', ...g } } },
  };
}

export function deleteGrantPart(workspaceId: string, userId: string, integrationId: string): TxPart {
  return {
    name: grantPart(userId),
    item: { Delete: { TableName: tableName(), Key: grantKey(workspaceId, userId, integrationId) } },
  };
}

/** Idempotent clean-up of grants outside a transaction (BatchWriteItem, 25 a call). */
export async function deleteGrants(workspaceId: string, integrationId: string, userIds: string[]): Promise<void> {
  await batchWrite(userIds.map((u) => ({ DeleteRequest: { Key: grantKey(workspaceId, u, integrationId) } })));
}

// ---- reads (named access patterns) --------------------------------------------

export async function getIntegration(workspaceId: string, integrationId: string, consistent = false): Promise<Integration | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: integrationKey(workspaceId, integrationId), ConsistentRead: consistent }));
  return out.Item ? toIntegration(out.Item) : undefined;
}

/** Integrations by id (BatchGetItem); missing ones are absent from the map. */
export async function getIntegrationsByIds(workspaceId: string, ids: string[]): Promise<Map<string, Integration>> {
  const items = await batchGet(ids.map((id) => integrationKey(workspaceId, id)));
  return new Map(items.map((item) => [item.id as string, toIntegration(item)]));
}

/** Every active integration of a workspace, oldest first (Query WS#ws, SK begins_with INT#). */
export async function listActiveIntegrations(workspaceId: string, limit: number, cursor: string | undefined): Promise<Page<Integration>> {
  return queryPage({
    scope: `integrations:${workspaceId}:all`,
    query: {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      FilterExpression: '#status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': 'INT#', ':active': 'active' },
    },
    limit,
    cursor,
    select: (items) => items.map(toIntegration),
  });
}

/**
 * The active integrations a person owns or uses, by integration age: a Query over
 * the person's grants (WS#ws, SK begins_with INTUSER#userId#) joined to the
 * integrations by BatchGetItem; grants of orphaned or deleted ones are skipped.
 */
export async function listIntegrationsOfUser(
  workspaceId: string, userId: string, limit: number, cursor: string | undefined,
): Promise<Page<Integration>> {
  return queryPage({
    scope: `integrations:${workspaceId}:user:${userId}`,
    query: {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      FilterExpression: 'attribute_not_exists(dormant) OR dormant = :false',
      ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': `INTUSER#${userId}#`, ':false': false },
    },
    limit,
    cursor,
    select: async (items) => {
      const grants = items.map(toGrant);
      const found = await getIntegrationsByIds(workspaceId, grants.map((g) => g.integrationId));
      return grants.map((g) => {
        const i = found.get(g.integrationId);
        return i?.status === 'active' ? i : undefined;
      });
    },
  });
}

/** Every grant of a person in a workspace, live and dormant (removal, restore, purge). */
export async function allGrantsOfUser(workspaceId: string, userId: string): Promise<IntegrationGrant[]> {
  const grants: IntegrationGrant[] = [];
  let key: Item | undefined;
  do {
    const out = await db.send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': `INTUSER#${userId}#` },
      ConsistentRead: true,
      ExclusiveStartKey: key,
    }));
    grants.push(...(out.Items ?? []).map(toGrant));
    key = out.LastEvaluatedKey;
  } while (key);
  return grants;
}

export const exampleIntegration = (over: Partial<Integration> = {}): Integration => ({
  id: 'int_01JEXAMPLE0000000000000000',
  workspaceId: 'ws_01JEXAMPLE0000000000000000',
  name: 'Salesforce sync',
  kind: 'crm',
  config: {},
  owners: ['usr_01JEXAMPLE0000000000000000'],
  users: [],
  status: 'active',
  createdAt: '2026-11-22T10:00:00.000Z',
  createdBy: 'usr_01JEXAMPLE0000000000000000',
  updatedAt: '2026-11-22T10:00:00.000Z',
  version: 0,
  ...over,
});

export const exampleGrant = (over: Partial<IntegrationGrant> = {}): IntegrationGrant => ({
  workspaceId: 'ws_01JEXAMPLE0000000000000000',
  userId: 'usr_01JEXAMPLE0000000000000000',
  integrationId: 'int_01JEXAMPLE0000000000000000',
  as: 'owner',
  dormant: false,
  ...over,
});
