/**
 * Custom roles of a workspace (built-in roles are code, see domain/permissions.ts).
 *
 * Items (partition WS#<ws>):
 *  - ROLE#<roleId>        the role; `assignments` counts the memberships (any status until
 *                         purged) and outstanding invitations that hold it. Every write that
 *                         assigns or unassigns a custom role adjusts it in the same
 *                         transaction (roleAssignmentPart), so "in use" is one condition on
 *                         delete instead of a scan of the workspace's members.
 *  - ROLENAME#<lower name> uniqueness of role names within the workspace.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, declareParts, tableName, type TxPart } from './core.js';
import { workspaceKey } from './workspaces.js';

/** Transaction part names: `name` keeps role names unique; `assign` fails when the role is gone. */
export const RolePart = declareParts({
  role: 'role', name: 'roleName', oldName: 'oldRoleName', isDefault: 'defaultRole', assign: 'role:assign', unassign: 'role:unassign',
});

export interface CustomRole {
  id: string;
  workspaceId: string;
  name: string;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
  /** Memberships and outstanding invitations holding this role. */
  assignments: number;
  version: number;
}

export const roleKey = (workspaceId: string, roleId: string) => ({ PK: `WS#${workspaceId}`, SK: `ROLE#${roleId}` });
export const roleNameKey = (workspaceId: string, name: string) => ({ PK: `WS#${workspaceId}`, SK: `ROLENAME#${name.toLowerCase()}` });

const toCustomRole = (i: Record<string, unknown>): CustomRole => ({
  id: i.id as string,
  workspaceId: i.workspaceId as string,
  name: i.name as string,
  permissions: (i.permissions as string[] | undefined) ?? [],
  createdAt: i.createdAt as string,
  updatedAt: i.updatedAt as string,
  assignments: (i.assignments as number | undefined) ?? 0,
  version: (i.version as number | undefined) ?? 0,
});

export async function getCustomRole(workspaceId: string, roleId: string, consistent = false): Promise<CustomRole | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: roleKey(workspaceId, roleId), ConsistentRead: consistent }));
  return out.Item ? toCustomRole(out.Item) : undefined;
}

/** All custom roles of a workspace, oldest first (role ids are ULIDs). */
export async function listCustomRoles(workspaceId: string): Promise<CustomRole[]> {
  const roles: CustomRole[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': 'ROLE#' },
      ExclusiveStartKey: key,
    }));
    roles.push(...(out.Items ?? []).map(toCustomRole));
    key = out.LastEvaluatedKey;
  } while (key);
  return roles;
}

const putNamePart = (workspaceId: string, name: string, roleId: string): TxPart => ({
  name: RolePart.name,
  item: {
    Put: {
      TableName: tableName(),
      Item: { ...roleNameKey(workspaceId, name), type: 'roleName', roleId },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  },
});

const deleteNamePart = (workspaceId: string, name: string, roleId: string): TxPart => ({
  name: RolePart.oldName,
  item: {
    Delete: {
      TableName: tableName(),
      Key: roleNameKey(workspaceId, name),
      ConditionExpression: 'roleId = :id',
      ExpressionAttributeValues: { ':id': roleId },
    },
  },
});

/** A new role and its name; fails with part `RolePart.name` when the name is taken. */
export function putCustomRoleParts(r: CustomRole): TxPart[] {
  return [
    {
      name: RolePart.role,
      item: {
        Put: {
          TableName: tableName(),
          Item: { ...roleKey(r.workspaceId, r.id), type: 'role', ...r, assignments: 0, version: 0 },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    },
    putNamePart(r.workspaceId, r.name, r.id),
  ];
}

/**
 * Change name and permissions, guarded by the version read. An update rather than a
 * whole-item put, so the assignment counter (moved by other transactions without
 * bumping the version) is never written back stale.
 */
export function updateCustomRoleParts(current: CustomRole, next: { name: string; permissions: string[]; updatedAt: string }): TxPart[] {
  const renamed = current.name.toLowerCase() !== next.name.toLowerCase();
  return [
    {
      name: RolePart.role,
      item: {
        Update: {
          TableName: tableName(),
          Key: roleKey(current.workspaceId, current.id),
          UpdateExpression: 'SET #name = :name, #perms = :perms, updatedAt = :at, version = version + :one',
          ConditionExpression: 'attribute_exists(PK) AND version = :v',
          ExpressionAttributeNames: { '#name': 'name', '#perms': 'permissions' },
          ExpressionAttributeValues: { ':name': next.name, ':perms': next.permissions, ':at': next.updatedAt, ':one': 1, ':v': current.version },
        },
      },
    },
    ...(renamed ? [deleteNamePart(current.workspaceId, current.name, current.id), putNamePart(current.workspaceId, next.name, current.id)] : []),
  ];
}

/**
 * Delete a role that nothing holds: fails with part `RolePart.role` while assigned (or changed
 * since read), and with part `RolePart.isDefault` while it is the workspace's default role.
 */
export function deleteCustomRoleParts(r: CustomRole): TxPart[] {
  return [
    {
      name: RolePart.role,
      item: {
        Delete: {
          TableName: tableName(),
          Key: roleKey(r.workspaceId, r.id),
          ConditionExpression: 'version = :v AND (attribute_not_exists(assignments) OR assignments = :zero)',
          ExpressionAttributeValues: { ':v': r.version, ':zero': 0 },
        },
      },
    },
    deleteNamePart(r.workspaceId, r.name, r.id),
    {
      name: RolePart.isDefault,
      item: {
        ConditionCheck: {
          TableName: tableName(),
          Key: workspaceKey(r.workspaceId),
          ConditionExpression: 'defaultRole <> :role',
          ExpressionAttributeValues: { ':role': r.id },
        },
      },
    },
  ];
}

/**
 * Count one assignment more (+1) or less (-1) on a custom role. +1 requires the role to
 * exist, so a role deleted concurrently can never be assigned: the part (named
 * `RolePart.assign`) fails instead.
 */
export function roleAssignmentPart(workspaceId: string, roleId: string, delta: 1 | -1): TxPart {
  return {
    name: delta > 0 ? RolePart.assign : RolePart.unassign,
    item: {
      Update: {
        TableName: tableName(),
        Key: roleKey(workspaceId, roleId),
        UpdateExpression: 'ADD assignments :d',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':d': delta },
      },
    },
  };
}

/** The custom role exists when the transaction lands (part `RolePart.role`). */
export function customRoleExistsPart(workspaceId: string, roleId: string): TxPart {
  return {
    name: RolePart.role,
    item: { ConditionCheck: { TableName: tableName(), Key: roleKey(workspaceId, roleId), ConditionExpression: 'attribute_exists(PK)' } },
  };
}
