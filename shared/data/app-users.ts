/**
 * Application users (OAuth clients). The item is keyed by client id alone, so the
 * token endpoint and the token check each need one GetItem; GSI1 lists a
 * workspace's active app users (a disabled one leaves the index, so the list
 * needs no filter and pages stay full).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, declareParts, tableName, queryPage, stripKeys, type Page, type TxPart } from './core.js';
import { GSI } from './table.js';

export const AppUserPart = declareParts({ appUser: 'appUser' });

export interface AppUser {
  clientId: string;
  workspaceId: string;
  name: string;
  accessType: string;
  scopes: string[];
  status: 'active' | 'disabled';
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /**
   * The permissions of whoever last set the access type, at that moment: the most
   * this app may use or hand out (shared/domain/authority.ts). Absent on items
   * written before ceilings existed, which then may do nothing.
   */
  ceiling?: string[];
  disabledAt?: string;
  /** Bumped by each secret reset; access tokens carry the generation they were issued under. */
  generation: number;
  secretHash: string;
  previousSecretHash?: string;
  previousSecretExpiresAt?: string;
  version: number;
}

export const appUserKey = (clientId: string) => ({ PK: `APP#${clientId}`, SK: 'APP' });
export const workspaceAppUsersPartition = (workspaceId: string) => `WS#${workspaceId}#APPS`;

function appUserItem(a: AppUser) {
  const listed = a.status === 'active'
    ? { GSI1PK: workspaceAppUsersPartition(a.workspaceId), GSI1SK: `APP#${a.clientId}` }
    : {};
  return { ...appUserKey(a.clientId), type: 'appUser', ...a, ...listed };
}

const toAppUser = (item: Record<string, unknown>): AppUser => stripKeys(item) as unknown as AppUser;

export async function getAppUser(clientId: string, consistent = false): Promise<AppUser | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: appUserKey(clientId), ConsistentRead: consistent }));
  return out.Item ? toAppUser(out.Item) : undefined;
}

/** A new app user; fails (part `appUser`) if the client id exists. */
export function putAppUserPart(a: AppUser): TxPart {
  return {
    name: AppUserPart.appUser,
    item: { Put: { TableName: tableName(), Item: appUserItem({ ...a, version: 0 }), ConditionExpression: 'attribute_not_exists(PK)' } },
  };
}

/** Replace the app user as a whole, guarded by its version (optimistic concurrency). */
export function replaceAppUserPart(a: AppUser): TxPart {
  return {
    name: AppUserPart.appUser,
    item: {
      Put: {
        TableName: tableName(),
        Item: appUserItem({ ...a, version: a.version + 1 }),
        ConditionExpression: 'attribute_exists(PK) AND version = :v',
        ExpressionAttributeValues: { ':v': a.version },
      },
    },
  };
}

/** A workspace's active app users, oldest first (client ids are ULIDs). */
export async function listAppUsersOfWorkspace(workspaceId: string, limit: number, cursor: string | undefined): Promise<Page<AppUser>> {
  return queryPage({
    scope: `app-users:${workspaceId}`,
    query: {
      IndexName: GSI.GSI1.name,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': workspaceAppUsersPartition(workspaceId) },
    },
    limit,
    cursor,
    select: (items) => items.map(toAppUser),
  });
}

export const exampleAppUser = (over: Partial<AppUser> = {}): AppUser => ({
  clientId: 'app_01JEXAMPLE0000000000000000',
  workspaceId: 'ws_01JEXAMPLE0000000000000000',
  name: 'Report Export API',
  accessType: 'ObjectRead',
  scopes: ['members:read', 'integrations:read', 'apps:read'],
  status: 'active',
  createdAt: '2026-11-22T10:00:00.000Z',
  createdBy: 'usr_01JEXAMPLE0000000000000000',
  updatedAt: '2026-11-22T10:00:00.000Z',
  generation: 0,
  secretHash: 'hmac-sha256-of-the-secret',
  version: 0,
  ...over,
});
