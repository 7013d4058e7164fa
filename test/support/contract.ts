/**
 * Who may call what, written out from API.md by hand — deliberately NOT imported
 * from shared/ (no permissions.ts, no routes.ts), so a wrong grant, a wrong route
 * permission or a missing check in the code under test disagrees with this file
 * and fails the authorization walk (test/integration/authorization-walk.test.ts).
 *
 * Sources: "Roles and permissions" (the grant table), "Application users" (access
 * types), "Authority never grows" (scope → permission), "Conventions" (401/403/404),
 * "Identities and sign-in" (human-only routes) and each route's own paragraph.
 */

// ---- API.md "Roles and permissions" ----------------------------------------------

export const BUILT_IN_ROLES = ['owner', 'admin', 'integrator', 'contributor_plus', 'contributor', 'restricted_contributor', 'reader'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

// prettier-ignore
const GRANT_TABLE = `
workspace.transfer_ownership         x . . . . . .
workspace.manage                     x x . . . . .
members.read                         x x x x x x x
members.manage                       x x . . . . .
members.export                       x x . . . . .
auth.manage                          x x x . . . .
developer.access                     x x x . . . .
integrations.manage_all              x x . . . . .
integrations.create                  x x x x x . .
apps.install                         x x . . . . .
audit.read                           x x . . . . .
contacts.export                      x x . . . . .
contacts.import                      x x . . . . .
transactions.edit_all_folders        x x . . . . .
transactions.edit_permitted_folders  . . x x x . .
templates.edit                       x x . x . . .
templates.read_all                   x x . x . . .
templates.read_published             . . x . x x .
templates.use_published              x x x x x x .
transactions.read_permitted_folders  . . . . . . x
`;

const rows = GRANT_TABLE.trim().split('\n').map((line) => line.trim().split(/\s+/));
export const PERMISSIONS: readonly string[] = rows.map(([p]) => p!);

/** The permissions each built-in role holds, as API.md's table shows them. */
export const GRANTS: Record<BuiltInRole, readonly string[]> = Object.fromEntries(
  BUILT_IN_ROLES.map((role, i) => [role, rows.filter((r) => r[i + 1] === 'x').map(([p]) => p!)]),
) as unknown as Record<BuiltInRole, readonly string[]>;

/**
 * Broader permissions include narrower ones (docs/authority.md: without this the
 * seed 003 matrix would leave the owner unable to give `contributor` or `reader`).
 */
export const INCLUDES: Record<string, readonly string[]> = {
  'transactions.edit_all_folders': ['transactions.edit_permitted_folders', 'transactions.read_permitted_folders'],
  'transactions.edit_permitted_folders': ['transactions.read_permitted_folders'],
  'templates.read_all': ['templates.read_published'],
};

/** "Authority never grows": does holding `held` cover every permission of `wanted`? */
export function holdsAll(held: readonly string[], wanted: readonly string[]): boolean {
  const has = new Set(held.flatMap((p) => [p, ...(INCLUDES[p] ?? [])]));
  return wanted.every((p) => has.has(p));
}

// ---- API.md "Application users and OAuth 2.0" and "Authority never grows" ----------

const OBJECT_READ = ['members:read', 'integrations:read', 'apps:read'];
export const ACCESS_TYPES = {
  ObjectRead: OBJECT_READ,
  ObjectReadWrite: [...OBJECT_READ, 'integrations:write'],
  ObjectLink: [...OBJECT_READ, 'integrations:share'],
  MembersManage: ['members:read', 'members:write', 'invitations:write'],
  MembersRead: ['members:read'],
} as const;
export type AccessType = keyof typeof ACCESS_TYPES;
export const ACCESS_TYPE_NAMES = Object.keys(ACCESS_TYPES) as AccessType[];

/** The permission behind each scope: an app uses a scope only while its ceiling holds it. */
export const SCOPE_PERMISSION: Record<string, string> = {
  'members:read': 'members.read',
  'members:write': 'members.manage',
  'invitations:write': 'members.manage',
  'integrations:read': 'integrations.manage_all',
  'integrations:write': 'integrations.manage_all',
  'integrations:share': 'integrations.manage_all',
  'apps:read': 'integrations.manage_all',
};

// ---- callers ---------------------------------------------------------------------

/**
 * Everyone the walk sends: every built-in role, a custom role, an application user
 * of every access type, members who are suspended / deactivated / removed, callers
 * from a foreign workspace, and no token at all.
 */
export type Caller =
  | { name: string; kind: 'person'; role: string; permissions: readonly string[]; status: 'active' | 'suspended' | 'deactivated' | 'removed'; home: boolean }
  | { name: string; kind: 'app'; accessType: AccessType; scopes: readonly string[]; ceiling: readonly string[]; home: boolean }
  | { name: string; kind: 'anonymous' };

/** The custom role of the walk: some enforced permissions, not others (neither admin nor a built-in). */
export const CUSTOM_ROLE_PERMISSIONS = ['members.read', 'members.manage', 'developer.access', 'audit.read'] as const;

/** Apps are made by the owner, so their ceiling is the owner's permissions less transfer_ownership (docs/authority.md). */
const OWNER_CEILING = GRANTS.owner.filter((p) => p !== 'workspace.transfer_ownership');

export const CALLERS: readonly Caller[] = [
  ...BUILT_IN_ROLES.map((role): Caller => ({ name: role, kind: 'person', role, permissions: GRANTS[role], status: 'active', home: true })),
  { name: 'custom role', kind: 'person', role: 'custom', permissions: CUSTOM_ROLE_PERMISSIONS, status: 'active', home: true },
  ...(['suspended', 'deactivated', 'removed'] as const).map((status): Caller => ({
    name: `${status} admin`, kind: 'person', role: 'admin', permissions: GRANTS.admin, status, home: true,
  })),
  ...ACCESS_TYPE_NAMES.map((t): Caller => ({ name: `app ${t}`, kind: 'app', accessType: t, scopes: ACCESS_TYPES[t], ceiling: OWNER_CEILING, home: true })),
  { name: 'foreign owner', kind: 'person', role: 'owner', permissions: GRANTS.owner, status: 'active', home: false },
  { name: 'foreign app', kind: 'app', accessType: 'MembersManage', scopes: ACCESS_TYPES.MembersManage, ceiling: OWNER_CEILING, home: false },
  { name: 'no token', kind: 'anonymous' },
];

// ---- the rules -------------------------------------------------------------------

/** What a request may get: a success, or one refusal of API.md "Conventions". */
export type Outcome =
  | { ok: true; status?: number }
  | { ok: false; status: 401; code: 'unauthenticated' }
  | { ok: false; status: 403; code: 'forbidden' | 'human_only'; missing?: string }
  | { ok: false; status: 404; code: 'not_found' }
  | { ok: false; status: number; code: string };

export type Rule =
  /** No authentication: every caller, whatever token it sends, gets `status`. */
  | { kind: 'public'; status: number }
  /**
   * OAuth endpoints (RFC 6749 §2.3): the `Authorization` header carries *client*
   * authentication (HTTP Basic), so a bearer token there is `401 invalid_client`;
   * without one, every caller gets `status`.
   */
  | { kind: 'oauth'; status: number }
  /** Public, but human-only (invitation acceptance): an app's token is `403 human_only`. */
  | { kind: 'public-human'; status: number }
  /** About the signed-in person (`/me`, sessions, workspace creation): any person; apps `403 human_only`. */
  | { kind: 'person' }
  /**
   * In a workspace: an active member holding `needs` ('member' = any active member),
   * or an app of this workspace whose access type has `scope` (and whose ceiling
   * holds its permission). `human`: apps get `403 human_only`. `unseen`: a caller
   * without `needs` cannot see the thing at all, so `404` rather than `403`.
   * `callers`: what API.md says for particular callers (e.g. the owner cannot leave).
   */
  | { kind: 'workspace'; needs: string; scope?: string; human?: true; unseen?: true; callers?: Record<string, Outcome> };

const ok: Outcome = { ok: true };
const unauthenticated: Outcome = { ok: false, status: 401, code: 'unauthenticated' };
const humanOnly: Outcome = { ok: false, status: 403, code: 'human_only' };
const notFound: Outcome = { ok: false, status: 404, code: 'not_found' };
const forbidden = (missing?: string): Outcome => ({ ok: false, status: 403, code: 'forbidden', ...(missing ? { missing } : {}) });

/** The outcome API.md gives `caller` on a route with `rule`. */
export function expectedOutcome(rule: Rule, caller: Caller): Outcome {
  if (rule.kind === 'public') return { ok: true, status: rule.status };
  if (rule.kind === 'oauth') return caller.kind === 'anonymous' ? { ok: true, status: rule.status } : { ok: false, status: 401, code: 'invalid_client' };
  if (rule.kind === 'public-human') return caller.kind === 'app' ? humanOnly : { ok: true, status: rule.status };
  if (caller.kind === 'anonymous') return unauthenticated;
  if (rule.kind === 'person') return caller.kind === 'app' ? humanOnly : ok;
  const special = rule.callers?.[caller.name];
  if (special) return special;
  if (caller.kind === 'app') {
    // "Human-only routes answer an application user's token with 403 human_only."
    if (rule.human) return humanOnly;
    // "Application users … act only inside their own workspace."
    if (!caller.home) return notFound;
    if (!rule.scope || !caller.scopes.includes(rule.scope)) return forbidden();
    return caller.ceiling.includes(SCOPE_PERMISSION[rule.scope]!) ? ok : forbidden(SCOPE_PERMISSION[rule.scope]);
  }
  // "404 — also used for anything in a workspace the caller cannot see": no membership, or a removed one.
  if (!caller.home || caller.status === 'removed') return notFound;
  // "A suspended member … loses all access to the workspace at once"; a deactivated one holds no seat.
  if (caller.status !== 'active') return forbidden();
  if (rule.needs === 'member' || caller.permissions.includes(rule.needs)) return ok;
  return rule.unseen ? notFound : forbidden(rule.needs);
}

const ws = (needs: string, scope?: string, more: Partial<Extract<Rule, { kind: 'workspace' }>> = {}): Rule => ({ kind: 'workspace', needs, ...(scope ? { scope } : {}), ...more });
const human = (needs: string): Rule => ({ kind: 'workspace', needs, human: true });
const person: Rule = { kind: 'person' };
const open = (status: number): Rule => ({ kind: 'public', status });

/**
 * One row per route, keyed `METHOD /path` exactly as the route table spells it.
 * A route may split into cases the contract treats differently (removing someone
 * else vs leaving). Every route of shared/http/routes.ts must have a row here;
 * the walk fails naming any that does not.
 */
export const CONTRACT: Record<string, Rule | Record<string, Rule>> = {
  // Conventions: public platform documents.
  'GET /health': open(200),
  'GET /docs': open(200),
  'GET /openapi.json': open(200),
  'GET /.well-known/jwks.json': open(200),
  'GET /.well-known/openid-configuration': open(200),
  // Identities and sign-in: links and OAuth endpoints take no bearer token.
  'POST /auth/email-link': open(202),
  'GET /auth/email-link/{token}': open(200),
  'POST /auth/email-link/{token}': open(200),
  'POST /oauth/token': { kind: 'oauth', status: 200 },
  'POST /oauth/revoke': { kind: 'oauth', status: 200 },
  // Console session: the cookie, not a bearer token, is the credential.
  'POST /auth/session': open(200),
  'POST /auth/session/refresh': open(200),
  'DELETE /auth/session': open(204),
  'GET /me/sessions': person,
  'DELETE /me/sessions/{sessionId}': person,
  'POST /me/sessions/revoke-all': person,
  'GET /me': person,
  'PATCH /me': person,
  // Workspaces.
  'POST /workspaces': person,
  'GET /workspaces/{ws}': ws('members.read', 'members:read'),
  'PATCH /workspaces/{ws}': ws('workspace.manage'),
  'PUT /workspaces/{ws}/subscription': ws('workspace.manage'),
  'POST /workspaces/{ws}/ownership-transfer': human('workspace.transfer_ownership'),
  'POST /workspaces/{ws}/license-reconciliation': ws('workspace.manage'),
  'GET /workspaces/{ws}/audit-events': ws('audit.read'),
  // Roles.
  'GET /workspaces/{ws}/roles': ws('members.read', 'members:read'),
  'POST /workspaces/{ws}/roles': ws('workspace.manage'),
  'PATCH /workspaces/{ws}/roles/{roleId}': ws('workspace.manage'),
  'DELETE /workspaces/{ws}/roles/{roleId}': ws('workspace.manage'),
  // Members.
  'GET /workspaces/{ws}/members': ws('members.read', 'members:read'),
  'GET /workspaces/{ws}/members/export': ws('members.export'),
  'GET /workspaces/{ws}/members/{userId}': ws('members.read', 'members:read'),
  'GET /workspaces/{ws}/members/{userId}/permissions': ws('members.read', 'members:read'),
  'PATCH /workspaces/{ws}/members/{userId}': ws('members.manage', 'members:write'),
  'POST /workspaces/{ws}/members/{userId}/suspend': ws('members.manage', 'members:write'),
  'POST /workspaces/{ws}/members/{userId}/unsuspend': ws('members.manage', 'members:write'),
  'POST /workspaces/{ws}/members/{userId}/reactivate': ws('members.manage', 'members:write'),
  'DELETE /workspaces/{ws}/members/{userId}': {
    other: ws('members.manage', 'members:write'),
    // "removal (or leaving, when the caller removes themself)"; "The owner cannot be removed".
    // An app has no membership to leave: for it this is removing a member like any other.
    self: { kind: 'workspace', needs: 'member', scope: 'members:write', callers: { owner: { ok: false, status: 409, code: 'owner_cannot_be_removed' } } },
    purge: ws('members.manage', 'members:write'),
  },
  'POST /workspaces/{ws}/members/{userId}/restore': ws('members.manage', 'members:write'),
  // Invitations.
  'POST /workspaces/{ws}/invitations': ws('members.manage', 'invitations:write'),
  'GET /workspaces/{ws}/invitations': ws('members.manage', 'invitations:write'),
  'POST /workspaces/{ws}/invitations/{invitationId}/resend': ws('members.manage', 'invitations:write'),
  'DELETE /workspaces/{ws}/invitations/{invitationId}': ws('members.manage', 'invitations:write'),
  'GET /invitations/{token}': open(200),
  'POST /invitations/{token}/accept': { kind: 'public-human', status: 200 },
  // Application users.
  'GET /access-types': open(200),
  'POST /workspaces/{ws}/app-users': ws('developer.access'),
  'GET /workspaces/{ws}/app-users': ws('developer.access'),
  'GET /workspaces/{ws}/app-users/{clientId}': ws('developer.access'),
  'PATCH /workspaces/{ws}/app-users/{clientId}': ws('developer.access'),
  'DELETE /workspaces/{ws}/app-users/{clientId}': ws('developer.access'),
  'POST /workspaces/{ws}/app-users/{clientId}/secret': ws('developer.access'),
  // Integrations: the walk's integration belongs to someone else, so only manage_all sees it.
  'POST /workspaces/{ws}/integrations': ws('integrations.create', 'integrations:write'),
  'GET /workspaces/{ws}/integrations': ws('member', 'integrations:read'),
  'GET /workspaces/{ws}/integrations/{integrationId}': ws('integrations.manage_all', 'integrations:read', { unseen: true }),
  'PATCH /workspaces/{ws}/integrations/{integrationId}': ws('integrations.manage_all', 'integrations:write', { unseen: true }),
  'DELETE /workspaces/{ws}/integrations/{integrationId}': ws('integrations.manage_all', 'integrations:write', { unseen: true }),
  'PUT /workspaces/{ws}/integrations/{integrationId}/sharing': ws('integrations.manage_all', 'integrations:share', { unseen: true }),
  // Marketplace apps: installing is for people ("the installer … accept[s] the permissions").
  'GET /apps': open(200),
  'POST /workspaces/{ws}/apps/{appId}/install': human('apps.install'),
  'GET /workspaces/{ws}/apps': ws('member', 'apps:read'),
  'GET /workspaces/{ws}/apps/{appId}': ws('member', 'apps:read'),
  'GET /workspaces/{ws}/apps/{appId}/users': ws('member', 'apps:read'),
  'PATCH /workspaces/{ws}/apps/{appId}/users': human('apps.install'),
  'POST /workspaces/{ws}/apps/{appId}/authorize': human('member'),
  'DELETE /workspaces/{ws}/apps/{appId}': human('apps.install'),
};

/**
 * Paths the front door serves outside the route table (CloudFront + S3 in AWS, local
 * mode's static server here): the Console and the API reference's script. Public.
 */
export const STATIC_PATHS: Record<string, Rule> = {
  'GET /console': open(200),
  'GET /console/': open(200),
  'GET /console/members': open(200),
  'GET /docs/redoc.standalone.js': open(200),
};

export const isCaseSplit = (row: Rule | Record<string, Rule>): row is Record<string, Rule> => !('kind' in row);
