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
import { getAppUser, type AppUser } from '../data/app-users.js';
import { isPermission, type Permission, type Scope } from './permissions.js';
import { appPermissions, assertAppMayUseScope, missingPermissions, permissionsOfRole } from './authority.js';
import { assertSessionLive } from './user-sessions.js';

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
  /** What the caller may do here: a person's role; an app's scopes, as far as its ceiling holds them. */
  permissions: ReadonlySet<Permission>;
  /** What the caller may hand out (authority.ts): a person's permissions; an app's recorded ceiling. */
  ceiling: ReadonlySet<Permission>;
  scopes: ReadonlySet<Scope>;
}

export interface Requirement {
  auth: 'none' | 'user' | 'any' | 'optional-user';
  permission?: Permission | 'member';
  scope?: Scope;
}

export const actorOf = (p: Principal): Actor => (p.type === 'user' ? { type: 'user', id: p.userId } : { type: 'app', id: p.clientId });

/** An app token is honoured only while its client is enabled and its secret generation is live. */
async function liveAppUser(p: Extract<Principal, { type: 'app' }>): Promise<AppUser> {
  const app = await getAppUser(p.clientId);
  const now = clock.nowIso();
  const live = app !== undefined && app.status === 'active' && app.workspaceId === p.workspaceId && (
    p.generation === app.generation
    || (p.generation === app.generation - 1 && app.previousSecretExpiresAt !== undefined && app.previousSecretExpiresAt > now)
  );
  if (!live) throw new UnauthenticatedError('The access token has been revoked.');
  return app;
}

const NOTHING: ReadonlySet<never> = new Set();

export async function resolveAccess(req: Requirement, principal: Principal, workspaceId: string | undefined): Promise<Access> {
  if (principal.type === 'app') {
    if (req.auth === 'user' || req.auth === 'optional-user') {
      throw new ForbiddenError('Application users cannot use this route.', 'human_only');
    }
    const app = await liveAppUser(principal);
    const scopes = new Set(principal.scopes);
    // Items written before ceilings existed record none: such an app does nothing until its access type is set again.
    const ceiling = new Set((app.ceiling ?? []).filter(isPermission));
    if (workspaceId !== undefined) {
      // An app acts only inside its own workspace; elsewhere nothing exists for it.
      if (principal.workspaceId !== workspaceId) throw new NotFoundError('Workspace not found.');
      if (!req.scope || !scopes.has(req.scope)) throw new ForbiddenError('The application user lacks the scope for this route.');
      assertAppMayUseScope(ceiling, req.scope);
    }
    return { principal, actor: actorOf(principal), workspaceId, permissions: appPermissions(scopes, ceiling), ceiling, scopes };
  }

  // A signed-out session's tokens stop here (user-sessions.ts), read alongside the membership.
  const live = assertSessionLive(principal.userId, principal.sessionId);
  if (!req.permission || workspaceId === undefined) {
    await live;
    return { principal, actor: actorOf(principal), workspaceId, permissions: NOTHING, ceiling: NOTHING, scopes: NOTHING };
  }
  const [member] = await Promise.all([getMember(workspaceId, principal.userId, clock.nowEpochSeconds()), live]);
  if (!member || member.status === 'removed') throw new NotFoundError('Workspace not found.');
  if (member.status !== 'active') {
    throw new ForbiddenError(`Your membership of this workspace is ${member.status}.`);
  }
  const permissions = new Set((await permissionsOfRole(workspaceId, member.role)) ?? []);
  if (req.permission !== 'member' && !permissions.has(req.permission)) {
    throw new ForbiddenError(`This needs the ${req.permission} permission.`, 'forbidden', { missing: missingPermissions(permissions, [req.permission]) });
  }
  return { principal, actor: actorOf(principal), workspaceId, member, permissions, ceiling: permissions, scopes: NOTHING };
}
