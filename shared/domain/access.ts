/**
 * Who may do what. Resolves a verified principal against a route's requirements:
 * for people, their membership in the workspace (read on every request, so a
 * suspension or removal takes effect at once); for application users, their
 * workspace, scopes, and whether the client is still enabled with a live secret.
 */
import { clock } from '../clock.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors.js';
import type { Principal } from '../auth/access-tokens.js';
import { getMember, type Member } from '../data/members.js';
import { getCustomRole } from '../data/roles.js';
import { getAppUser } from '../data/app-users.js';
import { builtInRole, type Permission, type Scope } from './permissions.js';

export interface Actor {
  type: 'user' | 'app' | 'system';
  id: string;
}

export interface Access {
  principal: Principal;
  actor: Actor;
  workspaceId?: string;
  /** The caller's own membership (people only). */
  member?: Member;
  permissions: ReadonlySet<Permission>;
  scopes: ReadonlySet<Scope>;
}

export interface Requirement {
  auth: 'none' | 'user' | 'any' | 'optional-user';
  permission?: Permission | 'member';
  scope?: Scope;
}

export const actorOf = (p: Principal): Actor => (p.type === 'user' ? { type: 'user', id: p.userId } : { type: 'app', id: p.clientId });

export async function permissionsOfRole(workspaceId: string, roleId: string): Promise<Permission[]> {
  const builtIn = builtInRole(roleId);
  if (builtIn) return builtIn.permissions;
  return ((await getCustomRole(workspaceId, roleId))?.permissions ?? []) as Permission[];
}

/** An app token is honoured only while its client is enabled and its secret generation is live. */
async function assertAppLive(p: Extract<Principal, { type: 'app' }>): Promise<void> {
  const app = await getAppUser(p.clientId);
  const now = clock.nowIso();
  const live = app !== undefined && app.status === 'active' && app.workspaceId === p.workspaceId && (
    p.generation === app.generation
    || (p.generation === app.generation - 1 && app.previousSecretExpiresAt !== undefined && app.previousSecretExpiresAt > now)
  );
  if (!live) throw new UnauthenticatedError('The access token has been revoked.');
}

export async function resolveAccess(req: Requirement, principal: Principal, workspaceId: string | undefined): Promise<Access> {
  if (principal.type === 'app') {
    if (req.auth === 'user' || req.auth === 'optional-user') {
      throw new ForbiddenError('Application users cannot use this route.', 'human_only');
    }
    await assertAppLive(principal);
    const scopes = new Set(principal.scopes);
    if (workspaceId !== undefined) {
      // An app acts only inside its own workspace; elsewhere nothing exists for it.
      if (principal.workspaceId !== workspaceId) throw new NotFoundError('Workspace not found.');
      if (!req.scope || !scopes.has(req.scope)) throw new ForbiddenError('The application user lacks the scope for this route.');
    }
    return { principal, actor: actorOf(principal), workspaceId, permissions: new Set(), scopes };
  }

  if (!req.permission || workspaceId === undefined) {
    return { principal, actor: actorOf(principal), workspaceId, permissions: new Set(), scopes: new Set() };
  }
  const member = await getMember(workspaceId, principal.userId, clock.nowEpochSeconds());
  if (!member || member.status === 'removed') throw new NotFoundError('Workspace not found.');
  if (member.status !== 'active') {
    throw new ForbiddenError(`Your membership of this workspace is ${member.status}.`);
  }
  const permissions = new Set(await permissionsOfRole(workspaceId, member.role));
  if (req.permission !== 'member' && !permissions.has(req.permission)) {
    throw new ForbiddenError(`This needs the ${req.permission} permission.`);
  }
  return { principal, actor: actorOf(principal), workspaceId, member, permissions, scopes: new Set() };
}
