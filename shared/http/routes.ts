/**
 * The one route table. The CDK stack makes one Lambda per entry, the local server
 * serves the same entries through the same handler modules, and /openapi.json is
 * generated from it. A route exists here or nowhere.
 *
 * auth:       'none' — public; 'user' — a person's token (apps get 403 human_only);
 *             'any' — a person's or an application user's token;
 *             'optional-user' — public, but an app token is refused (human-only, no login needed).
 * permission: needs an active membership in {ws} holding it ('member' = any active membership).
 * scope:      what an application user's token needs on this route; without one, apps get 403.
 */
import type { ZodType } from 'zod';
import { isBuiltInRole, type Permission, type Scope } from '../domain/permissions.js';
import { idPattern } from '../ids.js';
import * as s from './schemas.js';
import * as r from './response-schemas.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef {
  operation: string;
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  auth: 'none' | 'user' | 'any' | 'optional-user';
  permission?: Permission | 'member';
  scope?: Scope;
  body?: ZodType;
  /** DELETE routes whose JSON body is optional. */
  bodyOptional?: boolean;
  query?: ZodType;
  /**
   * Reads the Console's session cookie: only same-origin requests pass (Origin,
   * Sec-Fetch-Site), never a form post; 'csrf' also needs the header X-Roster-CSRF: 1.
   */
  sessionCookie?: 'same-origin' | 'csrf';
  /** OAuth endpoints answer in RFC 6749 §5.2 shape and accept form bodies. */
  oauth?: boolean;
  successStatus?: number;
  /** The JSON body of the success answer (shared/http/response-schemas.ts); absent only for 204 and page-only routes. */
  response?: ZodType;
  /** Also (or, without `response`, only) answers in this media type: a page for browsers, or a file. */
  rendered?: 'text/html' | 'text/csv';
  /** Larger or slower handlers (export, reconciliation). */
  memoryMb?: number;
  timeoutSeconds?: number;
}

const ws = '/workspaces/{ws}';

export const routes = [
  // ---- platform ---------------------------------------------------------------
  { operation: 'getHealth', method: 'GET', path: '/health', summary: 'Liveness check', tag: 'platform', auth: 'none', response: r.health },
  { operation: 'getDocs', method: 'GET', path: '/docs', summary: 'API reference: this document, rendered (Redoc)', tag: 'platform', auth: 'none', rendered: 'text/html' },
  { operation: 'getOpenapi', method: 'GET', path: '/openapi.json', summary: 'This OpenAPI document', tag: 'platform', auth: 'none', response: r.openApi },
  { operation: 'getJwks', method: 'GET', path: '/.well-known/jwks.json', summary: 'Public signing keys (JWKS)', tag: 'auth', auth: 'none', response: r.jwks },
  { operation: 'getOpenidConfiguration', method: 'GET', path: '/.well-known/openid-configuration', summary: 'Discovery document', tag: 'auth', auth: 'none', response: r.openidConfiguration },

  // ---- sign-in ----------------------------------------------------------------
  { operation: 'requestEmailLink', method: 'POST', path: '/auth/email-link', summary: 'Email a single-use sign-in link', tag: 'auth', auth: 'none', body: s.requestEmailLinkBody, successStatus: 202, response: r.empty },
  { operation: 'showEmailLink', method: 'GET', path: '/auth/email-link/{token}', summary: 'Sign-in page (never consumes the link)', tag: 'auth', auth: 'none', rendered: 'text/html' },
  { operation: 'consumeEmailLink', method: 'POST', path: '/auth/email-link/{token}', summary: 'Use a sign-in link: a session (JSON); a browser\'s form post is sent on (303) to the hand-off target, or into the Console with the session cookie', tag: 'auth', auth: 'none', response: r.session, rendered: 'text/html' },
  { operation: 'issueToken', method: 'POST', path: '/oauth/token', summary: 'OAuth 2.0 token endpoint (authorization_code with PKCE, client_credentials, refresh_token)', tag: 'auth', auth: 'none', body: s.tokenRequestBody, oauth: true, response: r.session },
  { operation: 'revokeToken', method: 'POST', path: '/oauth/revoke', summary: 'OAuth 2.0 token revocation (RFC 7009)', tag: 'auth', auth: 'none', body: s.revokeRequestBody, oauth: true, response: r.empty },
  { operation: 'createConsoleSession', method: 'POST', path: '/auth/session', summary: 'Console sign-in: exchange the hand-off code for an access token; the refresh credential goes into an HttpOnly cookie', tag: 'auth', auth: 'none', sessionCookie: 'same-origin', body: s.createConsoleSessionBody, response: r.consoleSession },
  { operation: 'refreshConsoleSession', method: 'POST', path: '/auth/session/refresh', summary: 'A new access token from the session cookie (rotated; needs X-Roster-CSRF: 1)', tag: 'auth', auth: 'none', sessionCookie: 'csrf', response: r.consoleSession },
  { operation: 'endConsoleSession', method: 'DELETE', path: '/auth/session', summary: 'Sign the Console out: revokes the session and clears its cookie (needs X-Roster-CSRF: 1)', tag: 'auth', auth: 'none', sessionCookie: 'csrf', successStatus: 204 },
  { operation: 'listMySessions', method: 'GET', path: '/me/sessions', summary: 'Your sessions (signed-in browsers and apps), newest first', tag: 'auth', auth: 'user', query: s.pagination, response: r.userSessions },
  { operation: 'revokeMySession', method: 'DELETE', path: '/me/sessions/{sessionId}', summary: 'End one of your sessions', tag: 'auth', auth: 'user', successStatus: 204 },
  { operation: 'revokeAllMySessions', method: 'POST', path: '/me/sessions/revoke-all', summary: 'Sign out everywhere (this session included)', tag: 'auth', auth: 'user', response: r.revokedSessions },
  { operation: 'getMe', method: 'GET', path: '/me', summary: 'The signed-in user and their workspaces', tag: 'auth', auth: 'user', response: r.me },
  { operation: 'updateMe', method: 'PATCH', path: '/me', summary: 'Change your full name', tag: 'auth', auth: 'user', body: s.updateMeBody, response: r.me },

  // ---- workspaces -------------------------------------------------------------
  { operation: 'createWorkspace', method: 'POST', path: '/workspaces', summary: 'Create a workspace (you become its owner)', tag: 'workspaces', auth: 'user', body: s.createWorkspaceBody, successStatus: 201, response: r.workspace },
  { operation: 'getWorkspace', method: 'GET', path: ws, summary: 'Get a workspace', tag: 'workspaces', auth: 'any', permission: 'members.read', scope: 'members:read', response: r.workspace },
  { operation: 'updateWorkspace', method: 'PATCH', path: ws, summary: 'Rename, or change the default role', tag: 'workspaces', auth: 'any', permission: 'workspace.manage', body: s.updateWorkspaceBody, response: r.workspace },
  { operation: 'updateSubscription', method: 'PUT', path: `${ws}/subscription`, summary: 'Set the seat licence count', tag: 'workspaces', auth: 'any', permission: 'workspace.manage', body: s.updateSubscriptionBody, response: r.workspace },
  { operation: 'transferOwnership', method: 'POST', path: `${ws}/ownership-transfer`, summary: 'Transfer ownership to an active member', tag: 'workspaces', auth: 'user', permission: 'workspace.transfer_ownership', body: s.transferOwnershipBody, response: r.workspace },
  { operation: 'reconcileLicenses', method: 'POST', path: `${ws}/license-reconciliation`, summary: 'Run seat reconciliation now', tag: 'licences', auth: 'any', permission: 'workspace.manage', response: r.reconciliation, timeoutSeconds: 29 },
  { operation: 'listAuditEvents', method: 'GET', path: `${ws}/audit-events`, summary: 'Audit log, newest first', tag: 'audit', auth: 'any', permission: 'audit.read', query: s.pagination, response: r.auditEvents },

  // ---- roles ------------------------------------------------------------------
  { operation: 'listRoles', method: 'GET', path: `${ws}/roles`, summary: 'Built-in and custom roles', tag: 'roles', auth: 'any', permission: 'members.read', scope: 'members:read', response: r.roles },
  { operation: 'createRole', method: 'POST', path: `${ws}/roles`, summary: 'Create a custom role', tag: 'roles', auth: 'any', permission: 'workspace.manage', body: s.createRoleBody, successStatus: 201, response: r.role },
  { operation: 'updateRole', method: 'PATCH', path: `${ws}/roles/{roleId}`, summary: 'Edit a custom role', tag: 'roles', auth: 'any', permission: 'workspace.manage', body: s.updateRoleBody, response: r.role },
  { operation: 'deleteRole', method: 'DELETE', path: `${ws}/roles/{roleId}`, summary: 'Delete an unused custom role', tag: 'roles', auth: 'any', permission: 'workspace.manage', successStatus: 204  },

  // ---- members ----------------------------------------------------------------
  { operation: 'listMembers', method: 'GET', path: `${ws}/members`, summary: 'List members', tag: 'members', auth: 'any', permission: 'members.read', scope: 'members:read', query: s.listMembersQuery, response: r.members },
  { operation: 'exportMembers', method: 'GET', path: `${ws}/members/export`, summary: 'Export members as CSV', tag: 'members', auth: 'any', permission: 'members.export', memoryMb: 1024, timeoutSeconds: 29, rendered: 'text/csv' },
  { operation: 'getMember', method: 'GET', path: `${ws}/members/{userId}`, summary: 'Get a member', tag: 'members', auth: 'any', permission: 'members.read', scope: 'members:read', response: r.member },
  { operation: 'getMemberPermissions', method: 'GET', path: `${ws}/members/{userId}/permissions`, summary: "A member's effective permissions", tag: 'roles', auth: 'any', permission: 'members.read', scope: 'members:read', response: r.memberPermissions },
  { operation: 'updateMemberRole', method: 'PATCH', path: `${ws}/members/{userId}`, summary: "Change an active member's role", tag: 'members', auth: 'any', permission: 'members.manage', scope: 'members:write', body: s.updateMemberBody, response: r.member },
  { operation: 'suspendMember', method: 'POST', path: `${ws}/members/{userId}/suspend`, summary: 'Suspend a member (keeps the seat)', tag: 'members', auth: 'any', permission: 'members.manage', scope: 'members:write', response: r.member },
  { operation: 'unsuspendMember', method: 'POST', path: `${ws}/members/{userId}/unsuspend`, summary: 'Lift a suspension', tag: 'members', auth: 'any', permission: 'members.manage', scope: 'members:write', response: r.member },
  { operation: 'reactivateMember', method: 'POST', path: `${ws}/members/{userId}/reactivate`, summary: 'Reactivate a deactivated member (needs a seat)', tag: 'members', auth: 'any', permission: 'members.manage', scope: 'members:write', response: r.member },
  { operation: 'removeMember', method: 'DELETE', path: `${ws}/members/{userId}`, summary: 'Remove a member, leave, or purge a removed member', tag: 'members', auth: 'any', permission: 'member', scope: 'members:write', body: s.removeMemberBody, bodyOptional: true, query: s.removeMemberQuery, response: r.removalOrPurge },
  { operation: 'restoreMember', method: 'POST', path: `${ws}/members/{userId}/restore`, summary: 'Restore a removed member within 14 days', tag: 'members', auth: 'any', permission: 'members.manage', scope: 'members:write', response: r.memberRestore },

  // ---- invitations ------------------------------------------------------------
  { operation: 'inviteMembers', method: 'POST', path: `${ws}/invitations`, summary: 'Invite up to 100 people by email', tag: 'invitations', auth: 'any', permission: 'members.manage', scope: 'invitations:write', body: s.inviteBody, response: r.inviteResults },
  { operation: 'listInvitations', method: 'GET', path: `${ws}/invitations`, summary: 'Pending and expired invitations', tag: 'invitations', auth: 'any', permission: 'members.manage', scope: 'invitations:write', query: s.pagination, response: r.invitations },
  { operation: 'resendInvitation', method: 'POST', path: `${ws}/invitations/{invitationId}/resend`, summary: 'Resend with a new link (the old one dies)', tag: 'invitations', auth: 'any', permission: 'members.manage', scope: 'invitations:write', response: r.invitation },
  { operation: 'revokeInvitation', method: 'DELETE', path: `${ws}/invitations/{invitationId}`, summary: 'Revoke an invitation', tag: 'invitations', auth: 'any', permission: 'members.manage', scope: 'invitations:write', successStatus: 204  },
  { operation: 'getInvitationByToken', method: 'GET', path: '/invitations/{token}', summary: 'Invitation page (HTML) or details (JSON); never accepts', tag: 'invitations', auth: 'none', response: r.invitationDetails, rendered: 'text/html' },
  { operation: 'acceptInvitation', method: 'POST', path: '/invitations/{token}/accept', summary: 'Accept an invitation: a session (JSON); a browser\'s form post lands (303) in the Console, signed in', tag: 'invitations', auth: 'optional-user', body: s.acceptInvitationBody, bodyOptional: true, response: r.acceptance, rendered: 'text/html' },

  // ---- application users ------------------------------------------------------
  { operation: 'listAccessTypes', method: 'GET', path: '/access-types', summary: 'Access types and their scopes', tag: 'app-users', auth: 'none', response: r.accessTypes },
  { operation: 'createAppUser', method: 'POST', path: `${ws}/app-users`, summary: 'Create an application user (secret shown once)', tag: 'app-users', auth: 'any', permission: 'developer.access', body: s.createAppUserBody, successStatus: 201, response: r.createdAppUser },
  { operation: 'listAppUsers', method: 'GET', path: `${ws}/app-users`, summary: 'List application users', tag: 'app-users', auth: 'any', permission: 'developer.access', query: s.pagination, response: r.appUsers },
  { operation: 'getAppUser', method: 'GET', path: `${ws}/app-users/{clientId}`, summary: 'Get an application user', tag: 'app-users', auth: 'any', permission: 'developer.access', response: r.appUser },
  { operation: 'updateAppUser', method: 'PATCH', path: `${ws}/app-users/{clientId}`, summary: 'Rename or change access type', tag: 'app-users', auth: 'any', permission: 'developer.access', body: s.updateAppUserBody, response: r.appUser },
  { operation: 'deleteAppUser', method: 'DELETE', path: `${ws}/app-users/{clientId}`, summary: 'Disable an application user', tag: 'app-users', auth: 'any', permission: 'developer.access', successStatus: 204  },
  { operation: 'resetAppUserSecret', method: 'POST', path: `${ws}/app-users/{clientId}/secret`, summary: 'Reset the client secret', tag: 'app-users', auth: 'any', permission: 'developer.access', body: s.resetSecretBody, bodyOptional: true, response: r.appUserSecret },

  // ---- integrations -----------------------------------------------------------
  { operation: 'createIntegration', method: 'POST', path: `${ws}/integrations`, summary: 'Create an integration (you become an owner)', tag: 'integrations', auth: 'any', permission: 'integrations.create', scope: 'integrations:write', body: s.createIntegrationBody, successStatus: 201, response: r.integration },
  { operation: 'listIntegrations', method: 'GET', path: `${ws}/integrations`, summary: 'Integrations you may see', tag: 'integrations', auth: 'any', permission: 'member', scope: 'integrations:read', query: s.pagination, response: r.integrations },
  { operation: 'getIntegration', method: 'GET', path: `${ws}/integrations/{integrationId}`, summary: 'Get an integration', tag: 'integrations', auth: 'any', permission: 'member', scope: 'integrations:read', response: r.integration },
  { operation: 'updateIntegration', method: 'PATCH', path: `${ws}/integrations/{integrationId}`, summary: 'Update an integration', tag: 'integrations', auth: 'any', permission: 'member', scope: 'integrations:write', body: s.updateIntegrationBody, response: r.integration },
  { operation: 'deleteIntegration', method: 'DELETE', path: `${ws}/integrations/{integrationId}`, summary: 'Delete an integration', tag: 'integrations', auth: 'any', permission: 'member', scope: 'integrations:write', successStatus: 204  },
  { operation: 'shareIntegration', method: 'PUT', path: `${ws}/integrations/{integrationId}/sharing`, summary: 'Specify owners and users', tag: 'integrations', auth: 'any', permission: 'member', scope: 'integrations:share', body: s.shareIntegrationBody, response: r.integration },

  // ---- marketplace apps -------------------------------------------------------
  { operation: 'listCatalogApps', method: 'GET', path: '/apps', summary: 'Marketplace catalog', tag: 'apps', auth: 'none', response: r.catalog },
  { operation: 'installApp', method: 'POST', path: `${ws}/apps/{appId}/install`, summary: 'Install an app for me / all / specific users', tag: 'apps', auth: 'user', permission: 'apps.install', body: s.installAppBody, successStatus: 201, response: r.installation },
  { operation: 'listInstallations', method: 'GET', path: `${ws}/apps`, summary: 'Installed apps', tag: 'apps', auth: 'any', permission: 'member', scope: 'apps:read', response: r.installations },
  { operation: 'getInstallation', method: 'GET', path: `${ws}/apps/{appId}`, summary: 'An installation with per-user status', tag: 'apps', auth: 'any', permission: 'member', scope: 'apps:read', response: r.installation },
  { operation: 'listInstallationUsers', method: 'GET', path: `${ws}/apps/{appId}/users`, summary: 'People added to an installed app, paged (status: pending or authorized)', tag: 'apps', auth: 'any', permission: 'member', scope: 'apps:read', query: s.listInstallationUsersQuery, response: r.installationUsers },
  { operation: 'updateInstallationUsers', method: 'PATCH', path: `${ws}/apps/{appId}/users`, summary: 'Add or remove users of an installed app', tag: 'apps', auth: 'user', permission: 'apps.install', body: s.updateAppUsersBody, response: r.installation },
  { operation: 'authorizeApp', method: 'POST', path: `${ws}/apps/{appId}/authorize`, summary: 'Authorize an app for yourself', tag: 'apps', auth: 'user', permission: 'member', response: r.installation },
  { operation: 'uninstallApp', method: 'DELETE', path: `${ws}/apps/{appId}`, summary: 'Uninstall an app', tag: 'apps', auth: 'user', permission: 'apps.install', successStatus: 204  },
] as const satisfies readonly RouteDef[];

export type Route = (typeof routes)[number];

type ParamsOf<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamsOf<Rest> : never;
/** Every `{name}` used in a route path. */
export type PathParam = ParamsOf<Route['path']>;

export interface PathParamFormat {
  /** The value names something only if this holds (checked before any I/O; otherwise 404). */
  test(value: string): boolean;
  /** For /openapi.json. */
  pattern: string;
}

const idFormat = (prefix: Parameters<typeof idPattern>[0]): PathParamFormat => {
  const re = idPattern(prefix);
  return { test: (v) => re.test(v), pattern: re.source };
};
const customRoleId = idPattern('role');
/** Link tokens are hashed before they are looked up, so only their length and alphabet are bounded here. */
const LINK_TOKEN = /^[A-Za-z0-9_~.-]{1,512}$/;
const CATALOG_APP_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * The shape of every path parameter. Typed by the route table: a route that
 * introduces a new `{name}` does not compile until its format is declared here.
 * An id that cannot exist (wrong prefix, length or characters) answers 404 before
 * any read, so no hostile value ever reaches a DynamoDB key (1,024-byte limit).
 */
export const pathParamFormats: Record<PathParam, PathParamFormat> = {
  ws: idFormat('ws'),
  userId: idFormat('usr'),
  invitationId: idFormat('inv'),
  clientId: idFormat('app'),
  integrationId: idFormat('int'),
  sessionId: idFormat('fam'),
  roleId: {
    test: (v) => isBuiltInRole(v) || customRoleId.test(v),
    pattern: `^(?:[a-z_]{1,32}|${customRoleId.source.slice(1, -1)})$`,
  },
  appId: { test: (v) => CATALOG_APP_ID.test(v), pattern: CATALOG_APP_ID.source },
  token: { test: (v) => LINK_TOKEN.test(v), pattern: LINK_TOKEN.source },
};

/** Does this value have the shape of the named path parameter? Unknown names never do. */
export const isWellFormedParam = (name: string, value: string): boolean =>
  Object.hasOwn(pathParamFormats, name) && pathParamFormats[name as PathParam].test(value);
export type Operation = Route['operation'];
export type RouteFor<Op extends Operation> = Extract<Route, { operation: Op }>;

export function routeFor<Op extends Operation>(operation: Op): RouteFor<Op> {
  const r = routes.find((x) => x.operation === operation);
  if (!r) throw new Error(`Unknown operation ${operation}`);
  return r as RouteFor<Op>;
}

/** functions/<kebab-case operation>.ts — the handler module of a route. */
export const handlerFile = (operation: string): string =>
  `functions/${operation.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`;
