/**
 * Roles: the seven built-ins (data in permissions.ts) and a workspace's custom roles,
 * and what a member may do. Custom roles can be edited and deleted; built-ins are
 * read-only. A role cannot be deleted while anything holds it (see data/roles.ts).
 */
import { clock } from '../clock.js';
import { newId } from '../ids.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { retryOnConflict, transact, TransactionConflict, type TxPart } from '../data/core.js';
import {
  deleteCustomRoleParts, getCustomRole, listCustomRoles, putCustomRoleParts, roleAssignmentPart, RolePart, updateCustomRoleParts,
  type CustomRole,
} from '../data/roles.js';
import { getMember } from '../data/members.js';
import { BUILT_IN_ROLES, PERMISSIONS, builtInRole, isBuiltInRole, type Permission, type RoleDefinition } from './permissions.js';
import type { Access, Actor } from './access.js';
import { assertMayGrantPermissions, permissionsOfRole } from './authority.js';
import { auditPart } from './events.js';

const viewCustomRole = (r: CustomRole): RoleDefinition => ({
  id: r.id, name: r.name, builtIn: false, permissions: r.permissions as Permission[],
});

export async function listRoles(workspaceId: string): Promise<{ items: RoleDefinition[]; nextCursor: null }> {
  const custom = await listCustomRoles(workspaceId);
  return { items: [...BUILT_IN_ROLES, ...custom.map(viewCustomRole)], nextCursor: null };
}

/** The display name of a role id (built-in or custom), for emails and pages. */
export async function roleName(workspaceId: string, roleId: string): Promise<string> {
  return builtInRole(roleId)?.name ?? (await getCustomRole(workspaceId, roleId))?.name ?? roleId;
}

/**
 * Catalog order, no duplicates. Transferring ownership stays with the owner alone:
 * the "exactly one owner" rule would make the grant meaningless, so it is refused.
 */
function normalisePermissions(permissions: Permission[]): Permission[] {
  if (permissions.includes('workspace.transfer_ownership')) {
    throw new ValidationError('The role is not valid.', { permissions: 'workspace.transfer_ownership belongs to the owner alone' });
  }
  return PERMISSIONS.filter((p) => permissions.includes(p));
}

/** Custom role names are unique per workspace and never shadow a built-in role. */
function assertNameFree(name: string): void {
  const lower = name.toLowerCase();
  if (BUILT_IN_ROLES.some((r) => r.id === lower || r.name.toLowerCase() === lower)) {
    throw new ConflictError('role_name_taken', `"${name}" is the name of a built-in role.`);
  }
}

const nameTaken = (name: string) => new ConflictError('role_name_taken', `A role named "${name}" already exists in this workspace.`);

async function requireCustomRole(workspaceId: string, roleId: string): Promise<CustomRole> {
  if (isBuiltInRole(roleId)) throw new ConflictError('built_in_role', 'Built-in roles are read-only.');
  const role = await getCustomRole(workspaceId, roleId, true);
  if (!role) throw new NotFoundError('Role not found.');
  return role;
}

/** A custom role holds only permissions its author holds (authority.ts). */
export async function createRole(workspaceId: string, access: Access, input: { name: string; permissions: Permission[] }): Promise<RoleDefinition> {
  assertMayGrantPermissions(access, input.permissions);
  assertNameFree(input.name);
  const { actor } = access;
  const now = clock.nowIso();
  const role: CustomRole = {
    id: newId('role'), workspaceId, name: input.name, permissions: normalisePermissions(input.permissions),
    createdAt: now, updatedAt: now, assignments: 0, version: 0,
  };
  try {
    await transact([
      ...putCustomRoleParts(role),
      auditPart(workspaceId, actor, 'role.created', { type: 'role', id: role.id }, { name: role.name, permissions: role.permissions }, now),
    ]);
  } catch (err) {
    if (err instanceof TransactionConflict && err.has(RolePart.name)) throw nameTaken(input.name);
    throw err;
  }
  return viewCustomRole(role);
}

/** New permissions, like a new role's, must all be held by the editor (authority.ts). */
export async function updateRole(
  workspaceId: string, access: Access, roleId: string, input: { name?: string; permissions?: Permission[] },
): Promise<RoleDefinition> {
  if (input.permissions) assertMayGrantPermissions(access, input.permissions);
  if (input.name !== undefined) assertNameFree(input.name);
  const { actor } = access;
  const permissions = input.permissions && normalisePermissions(input.permissions);
  try {
    return await retryOnConflict(async () => {
      const current = await requireCustomRole(workspaceId, roleId);
      const now = clock.nowIso();
      const next = { name: input.name ?? current.name, permissions: permissions ?? current.permissions, updatedAt: now };
      await transact([
        ...updateCustomRoleParts(current, next),
        auditPart(workspaceId, actor, 'role.updated', { type: 'role', id: roleId }, {
          ...(input.name !== undefined ? { name: { from: current.name, to: next.name } } : {}),
          ...(permissions ? { permissions: { from: current.permissions, to: next.permissions } } : {}),
        }, now),
      ]);
      return viewCustomRole({ ...current, ...next });
    }, { retryIf: (err) => !err.has(RolePart.name) });
  } catch (err) {
    if (err instanceof TransactionConflict && err.has(RolePart.name)) throw nameTaken(input.name!);
    throw err;
  }
}

export async function deleteRole(workspaceId: string, actor: Actor, roleId: string): Promise<void> {
  try {
    // An assignment or edit racing the delete makes it read again and decide on fresh state.
    await retryOnConflict(async () => {
      const role = await requireCustomRole(workspaceId, roleId);
      if (role.assignments > 0) {
        throw new ConflictError('role_in_use', 'Members or pending invitations hold this role; give them another role first.', { reason: 'assigned' });
      }
      await transact([
        ...deleteCustomRoleParts(role),
        auditPart(workspaceId, actor, 'role.deleted', { type: 'role', id: roleId }, { name: role.name }),
      ]);
    }, { retryIf: (err) => !err.has(RolePart.isDefault) });
  } catch (err) {
    if (err instanceof TransactionConflict && err.has(RolePart.isDefault)) {
      throw new ConflictError('role_in_use', 'This is the workspace\'s default role; choose another default first.', { reason: 'default_role' });
    }
    throw err;
  }
}

/**
 * Transaction parts that keep custom roles' assignment counters right when a membership
 * or invitation moves from one role to another (undefined: none). Every write that
 * assigns, changes or drops a role must include them; `role:assign` fails when the
 * target role was deleted meanwhile.
 */
export function roleAssignmentParts(workspaceId: string, from: string | undefined, to: string | undefined): TxPart[] {
  if (from === to) return [];
  return [
    ...(from !== undefined && !isBuiltInRole(from) ? [roleAssignmentPart(workspaceId, from, -1)] : []),
    ...(to !== undefined && !isBuiltInRole(to) ? [roleAssignmentPart(workspaceId, to, 1)] : []),
  ];
}

/**
 * What a member may do, for the host product to enforce. A member who is not active
 * (suspended, deactivated) may do nothing, so the answer is an empty list.
 */
export async function memberPermissions(workspaceId: string, userId: string): Promise<{ userId: string; role: string; permissions: Permission[] }> {
  const member = await getMember(workspaceId, userId, clock.nowEpochSeconds());
  if (!member || member.status === 'removed') throw new NotFoundError('Member not found.');
  const permissions = member.status === 'active' ? (await permissionsOfRole(workspaceId, member.role)) ?? [] : [];
  return { userId, role: member.role, permissions };
}
