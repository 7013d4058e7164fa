/**
 * The permission catalog and the built-in roles, held as data (API.md "Roles and
 * permissions"). The first block is enforced by Roster; the second is the seed 003
 * matrix that Roster answers so the host product can enforce it.
 */
import { SCOPES, type Scope } from '../scopes.js';

export const ENFORCED_PERMISSIONS = [
  'workspace.transfer_ownership',
  'workspace.manage',
  'members.read',
  'members.manage',
  'members.export',
  'auth.manage',
  'developer.access',
  'integrations.manage_all',
  'integrations.create',
  'apps.install',
  'audit.read',
] as const;

export const HOST_PERMISSIONS = [
  'contacts.export',
  'contacts.import',
  'transactions.edit_all_folders',
  'transactions.edit_permitted_folders',
  'templates.edit',
  'templates.read_all',
  'templates.read_published',
  'templates.use_published',
  'transactions.read_permitted_folders',
] as const;

export const PERMISSIONS = [...ENFORCED_PERMISSIONS, ...HOST_PERMISSIONS] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const BUILT_IN_ROLE_IDS = ['owner', 'admin', 'integrator', 'contributor_plus', 'contributor', 'restricted_contributor', 'reader'] as const;
export type BuiltInRoleId = (typeof BUILT_IN_ROLE_IDS)[number];

const O = 'owner', A = 'admin', I = 'integrator', CP = 'contributor_plus', C = 'contributor', RC = 'restricted_contributor', R = 'reader';

const GRANTS: Record<Permission, BuiltInRoleId[]> = {
  'workspace.transfer_ownership': [O],
  'workspace.manage': [O, A],
  'members.read': [O, A, I, CP, C, RC, R],
  'members.manage': [O, A],
  'members.export': [O, A],
  'auth.manage': [O, A, I],
  'developer.access': [O, A, I],
  'integrations.manage_all': [O, A],
  'integrations.create': [O, A, I, CP, C],
  'apps.install': [O, A],
  'audit.read': [O, A],
  'contacts.export': [O, A],
  'contacts.import': [O, A],
  'transactions.edit_all_folders': [O, A],
  'transactions.edit_permitted_folders': [I, CP, C],
  'templates.edit': [O, A, CP],
  'templates.read_all': [O, A, CP],
  'templates.read_published': [I, C, RC],
  'templates.use_published': [O, A, I, CP, C, RC],
  'transactions.read_permitted_folders': [R],
};

/**
 * Broader permissions include narrower ones: editing every folder includes editing
 * (and reading) permitted folders, editing permitted folders includes reading them,
 * reading every template includes reading published ones. Without this the seed 003
 * matrix would leave the owner unable to assign `contributor` or `reader`
 * (API.md "Authority never grows" counts what a caller holds).
 */
export const INCLUDES: Partial<Record<Permission, Permission[]>> = {
  'transactions.edit_all_folders': ['transactions.edit_permitted_folders', 'transactions.read_permitted_folders'],
  'transactions.edit_permitted_folders': ['transactions.read_permitted_folders'],
  'templates.read_all': ['templates.read_published'],
};

const ROLE_NAMES: Record<BuiltInRoleId, string> = {
  owner: 'Owner',
  admin: 'Admin',
  integrator: 'Integrator',
  contributor_plus: 'Contributor+',
  contributor: 'Contributor',
  restricted_contributor: 'Restricted contributor',
  reader: 'Reader',
};

export interface RoleDefinition {
  id: string;
  name: string;
  builtIn: boolean;
  permissions: Permission[];
}

export const BUILT_IN_ROLES: RoleDefinition[] = BUILT_IN_ROLE_IDS.map((id) => ({
  id,
  name: ROLE_NAMES[id],
  builtIn: true,
  permissions: PERMISSIONS.filter((p) => GRANTS[p].includes(id)),
}));

export const isBuiltInRole = (roleId: string): roleId is BuiltInRoleId =>
  (BUILT_IN_ROLE_IDS as readonly string[]).includes(roleId);

export const builtInRole = (roleId: string): RoleDefinition | undefined => BUILT_IN_ROLES.find((r) => r.id === roleId);

export const isPermission = (p: string): p is Permission => (PERMISSIONS as readonly string[]).includes(p);

export { SCOPES, type Scope };

const OBJECT_READ: Scope[] = ['members:read', 'integrations:read', 'apps:read'];

export const ACCESS_TYPES = {
  ObjectRead: OBJECT_READ,
  ObjectReadWrite: [...OBJECT_READ, 'integrations:write'],
  ObjectLink: [...OBJECT_READ, 'integrations:share'],
  MembersManage: ['members:read', 'members:write', 'invitations:write'],
  MembersRead: ['members:read'],
} as const satisfies Record<string, Scope[]>;

export type AccessType = keyof typeof ACCESS_TYPES;
export const ACCESS_TYPE_NAMES = Object.keys(ACCESS_TYPES) as AccessType[];

/**
 * The permission a person must hold to give an application user each scope
 * (API.md "Authority never grows"); an app uses a scope only while its ceiling
 * holds this permission.
 */
export const SCOPE_PERMISSION: Record<Scope, Permission> = {
  'members:read': 'members.read',
  'members:write': 'members.manage',
  'invitations:write': 'members.manage',
  'integrations:read': 'integrations.manage_all',
  'integrations:write': 'integrations.manage_all',
  'integrations:share': 'integrations.manage_all',
  'apps:read': 'integrations.manage_all',
};

/** Scopes with which an application user hands out roles (invites, changes roles, restores). */
export const GRANTING_SCOPES: readonly Scope[] = ['members:write', 'invitations:write'];
