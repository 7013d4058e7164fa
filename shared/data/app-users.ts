/**
 * Application users (OAuth clients). The item is keyed by client id alone, so the
 * token endpoint and the token check each need one GetItem; GSI1 lists a
 * workspace's app users.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './core.js';

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
  /** Bumped by each secret reset; access tokens carry the generation they were issued under. */
  generation: number;
  secretHash: string;
  previousSecretHash?: string;
  previousSecretExpiresAt?: string;
  version: number;
}

export const appUserKey = (clientId: string) => ({ PK: `APP#${clientId}`, SK: 'APP' });
export const workspaceAppUsersPartition = (workspaceId: string) => `WS#${workspaceId}#APPS`;

export async function getAppUser(clientId: string, consistent = false): Promise<AppUser | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: appUserKey(clientId), ConsistentRead: consistent }));
  if (!out.Item) return undefined;
  const { PK: _a, SK: _b, GSI1PK: _c, GSI1SK: _d, type: _e, ...rest } = out.Item;
  return rest as AppUser;
}
