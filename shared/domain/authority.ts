/**
 * Authority never grows (API.md "Roles" → "Authority never grows"): whoever hands
 * out authority — a role, the permissions of a custom role, the access type of an
 * application user, or the secret that lets someone act as one — must hold all of
 * it. Every grant path asks this module; none decides on its own.
 *
 * What an actor holds is its **ceiling** (`Access.ceiling`):
 *  - a person: the permissions of their role, read on this very request;
 *  - an application user: the permissions of whoever last set its access type,
 *    recorded at that moment. The app uses a scope only while its ceiling holds
 *    the scope's permission, and assigns roles only within its ceiling.
 *
 * Refusals are `403 forbidden` with `details.missing` (the permissions lacking,
 * in catalog order), raised before anything is written.
 */
import { ConflictError, ForbiddenError, ValidationError } from '../errors.js';
import { getCustomRole } from '../data/roles.js';
import {
  ACCESS_TYPES, GRANTING_SCOPES, INCLUDES, PERMISSIONS, SCOPE_PERMISSION, builtInRole, isPermission,
  type AccessType, type Permission, type Scope,
} from './permissions.js';
import type { Access } from './access.js';

/** What holding `held` amounts to: each permission with the narrower ones it includes. */
function heldWithIncluded(held: ReadonlySet<Permission>): Set<Permission> {
  return new Set([...held].flatMap((p) => [p, ...(INCLUDES[p] ?? [])]));
}

/** The permissions of `wanted` that `held` lacks (broader ones include narrower ones), in catalog order. */
export function missingPermissions(held: ReadonlySet<Permission>, wanted: Iterable<Permission>): Permission[] {
  const want = new Set(wanted);
  const has = heldWithIncluded(held);
  return PERMISSIONS.filter((p) => want.has(p) && !has.has(p));
}

/** Throws `403 forbidden` unless the actor holds every permission of `wanted`. */
export function assertHolds(access: Access, wanted: Iterable<Permission>, what: string): void {
  const missing = missingPermissions(access.ceiling, wanted);
  if (missing.length > 0) {
    throw new ForbiddenError(`You cannot ${what}: it needs permissions you do not hold (${missing.join(', ')}).`, 'forbidden', { missing });
  }
}

/** What a role grants; undefined for a role this workspace does not have. */
export async function permissionsOfRole(workspaceId: string, roleId: string): Promise<Permission[] | undefined> {
  const builtIn = builtInRole(roleId);
  if (builtIn) return builtIn.permissions;
  return (await getCustomRole(workspaceId, roleId))?.permissions.filter(isPermission);
}

/**
 * Assigning a role: inviting with it, changing a member to it, making it the
 * default role. `owner` is never assigned this way (409); an unknown role is 400.
 */
export async function assertMayAssignRole(access: Access, workspaceId: string, roleId: string, field = 'role'): Promise<void> {
  if (roleId === 'owner') throw new ConflictError('use_ownership_transfer', 'The owner role is only given by an ownership transfer.');
  const permissions = await permissionsOfRole(workspaceId, roleId);
  if (!permissions) throw new ValidationError('Unknown role.', { [field]: `no role "${roleId}" in this workspace` }, 'unknown_role');
  assertHolds(access, permissions, `give the role "${roleId}"`);
}

/**
 * Handing back a role someone held before (restore, reactivate, unsuspend, resend
 * an invitation): the same bound as assigning it. A role deleted meanwhile grants
 * nothing, so there is nothing to hold.
 */
export async function assertMayGiveBackRole(access: Access, workspaceId: string, roleId: string): Promise<void> {
  assertHolds(access, (await permissionsOfRole(workspaceId, roleId)) ?? [], `give back the role "${roleId}"`);
}

/** Nobody changes their own role: leaving and ownership transfer are the ways out. */
export function assertNotOwnRole(access: Access, userId: string): void {
  if (access.principal.type === 'user' && access.principal.userId === userId) {
    throw new ForbiddenError('Nobody changes their own role; leave the workspace or transfer ownership instead.', 'forbidden', {
      reason: 'own_role', missing: [],
    });
  }
}

/** A custom role, created or edited, holds only permissions its author holds. */
export function assertMayGrantPermissions(access: Access, permissions: readonly Permission[]): void {
  assertHolds(access, permissions, 'put these permissions in a role');
}

export const permissionsOfScopes = (scopes: Iterable<Scope>): Set<Permission> =>
  new Set([...scopes].map((s) => SCOPE_PERMISSION[s]));

/**
 * Setting an application user's access type (on create or edit) needs the
 * permissions behind each of its scopes. Returns the ceiling to record: the
 * caller's permissions at this moment — less `workspace.transfer_ownership`, which
 * no grant path can hand out (owner is never assigned, no custom role holds it), so
 * an admin may still take over an app the owner made.
 */
export function ceilingForAccessType(access: Access, accessType: AccessType): Permission[] {
  assertHolds(access, permissionsOfScopes(ACCESS_TYPES[accessType]), `create an application user of type ${accessType}`);
  return PERMISSIONS.filter((p) => access.ceiling.has(p) && p !== 'workspace.transfer_ownership');
}

/**
 * What an application user's secret puts in the hands of whoever holds it: the
 * permissions behind its scopes and, when it hands out roles, its whole ceiling.
 * Resetting the secret needs all of it.
 */
export function assertMayHoldApp(access: Access, app: { scopes: readonly string[]; ceiling?: readonly string[] }): void {
  const scopes = app.scopes as Scope[];
  const grants = scopes.some((s) => GRANTING_SCOPES.includes(s));
  const ceiling = (app.ceiling ?? []).filter(isPermission);
  assertHolds(access, [...permissionsOfScopes(scopes), ...(grants ? ceiling : [])], 'take over this application user');
}

/**
 * An application user's effective permissions: those of its token's scopes that
 * its ceiling still holds. A route's scope whose permission the ceiling lacks is
 * refused like a person lacking the permission.
 */
export function appPermissions(scopes: Iterable<Scope>, ceiling: ReadonlySet<Permission>): Set<Permission> {
  return new Set([...permissionsOfScopes(scopes)].filter((p) => ceiling.has(p)));
}

export function assertAppMayUseScope(ceiling: ReadonlySet<Permission>, scope: Scope): void {
  const missing = missingPermissions(ceiling, [SCOPE_PERMISSION[scope]]);
  if (missing.length > 0) {
    throw new ForbiddenError('Whoever set this application user\'s access type does not hold this permission.', 'forbidden', { missing });
  }
}
