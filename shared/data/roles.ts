/** Custom roles of a workspace (built-in roles are code, see domain/permissions.ts). */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './core.js';

export interface CustomRole {
  id: string;
  workspaceId: string;
  name: string;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const roleKey = (workspaceId: string, roleId: string) => ({ PK: `WS#${workspaceId}`, SK: `ROLE#${roleId}` });

export async function getCustomRole(workspaceId: string, roleId: string): Promise<CustomRole | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: roleKey(workspaceId, roleId) }));
  if (!out.Item) return undefined;
  const { PK: _a, SK: _b, type: _c, ...rest } = out.Item;
  return rest as CustomRole;
}
