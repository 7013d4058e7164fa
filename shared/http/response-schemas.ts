/**
 * Response schemas (zod): the public shape of every JSON answer. They generate the
 * responses of /openapi.json (named ones become `components.schemas`), the handler
 * factory types each route's core against them (a handler returning another shape
 * fails `tsc`), and with ROSTER_CHECK_RESPONSES=true (the test suite) every answer is
 * validated against them at run time, extra fields included.
 */
import { z, type ZodType } from 'zod';
import { ACCESS_TYPE_NAMES, PERMISSIONS, SCOPES } from '../domain/permissions.js';

/** A schema with an id is emitted once, as `#/components/schemas/<id>` (zod's global registry). */
const named = <T extends ZodType>(id: string, schema: T, description?: string): T =>
  schema.meta({ id, ...(description ? { description } : {}) }) as T;

const isoTime = z.string().describe('ISO-8601 UTC time');
const obj = z.strictObject;
const page = <T extends ZodType>(item: T) => obj({ items: z.array(item), nextCursor: z.string().nullable() });
const emptyPage = <T extends ZodType>(item: T) => obj({ items: z.array(item), nextCursor: z.null() });

// ---- platform ---------------------------------------------------------------
export const health = obj({ ok: z.literal(true) });
export const openApi = z.record(z.string(), z.unknown());
export const jwks = obj({ keys: z.array(z.record(z.string(), z.unknown())) });
export const openidConfiguration = z.looseObject({
  issuer: z.string(),
  jwks_uri: z.string(),
  token_endpoint: z.string(),
  grant_types_supported: z.array(z.string()),
});

// ---- sign-in and sessions -----------------------------------------------------
export const session = named('Session', obj({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  refresh_token: z.string(),
  scope: z.string().optional(),
}), 'Tokens of a session (RFC 6749 field names).');
export const consoleSession = named('ConsoleSession', obj({
  access_token: z.string(),
  expires_in: z.number().int(),
}), 'An access token for the Console; its refresh credential is only in the HttpOnly session cookie.');
export const userSession = named('UserSession', obj({
  id: z.string(),
  createdAt: isoTime,
  lastUsedAt: isoTime,
  userAgent: z.string().nullable(),
  current: z.boolean(),
}));
export const userSessions = page(userSession);
export const revokedSessions = obj({ revoked: z.number().int() });
export const empty = obj({});
export const me = named('Me', obj({
  user: obj({ id: z.string(), email: z.string(), fullName: z.string() }),
  workspaces: z.array(obj({ id: z.string(), name: z.string(), role: z.string(), status: z.enum(['active', 'suspended', 'deactivated', 'removed']) })),
}));

// ---- workspaces ---------------------------------------------------------------
export const workspace = named('Workspace', obj({
  id: z.string(),
  name: z.string(),
  defaultRole: z.string(),
  seats: obj({ limit: z.number().int(), used: z.number().int() }),
  ownerId: z.string(),
  createdAt: isoTime,
}));
export const reconciliation = obj({
  deactivated: z.array(z.string()),
  seats: obj({ limit: z.number().int(), used: z.number().int() }),
});
export const auditEvent = named('AuditEvent', obj({
  id: z.string(),
  at: isoTime,
  actor: obj({ type: z.enum(['user', 'app', 'system']), id: z.string() }),
  action: z.string(),
  target: obj({ type: z.string(), id: z.string() }),
  details: z.record(z.string(), z.unknown()),
}));
export const auditEvents = page(auditEvent);

// ---- roles ----------------------------------------------------------------------
export const role = named('Role', obj({
  id: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(z.enum(PERMISSIONS)),
}));
export const roles = emptyPage(role);
export const memberPermissions = obj({ userId: z.string(), role: z.string(), permissions: z.array(z.enum(PERMISSIONS)) });

// ---- members --------------------------------------------------------------------
export const member = named('Member', obj({
  userId: z.string(),
  email: z.string(),
  fullName: z.string(),
  role: z.string(),
  status: z.enum(['active', 'suspended', 'deactivated', 'removed']),
  joinedAt: isoTime,
  updatedAt: isoTime,
  suspendedAt: isoTime.optional(),
  deactivatedAt: isoTime.optional(),
  removedAt: isoTime.optional(),
  purgeAt: isoTime.optional().describe('End of the removal window (removed members)'),
}));
export const members = page(member);
export const memberRemoval = obj({
  member,
  assets: obj({ reassigned: z.array(z.string()), orphaned: z.array(z.string()) }),
});
export const memberPurge = obj({ userId: z.string(), purged: z.literal(true), assets: obj({ purged: z.number().int() }) });
/** `DELETE …/members/{userId}` removes (or, with `?purge=true`, purges a removed member). */
export const removalOrPurge = z.union([memberRemoval, memberPurge]);
export const memberRestore = obj({ member, assets: obj({ restored: z.array(z.string()) }) });

// ---- invitations ----------------------------------------------------------------
export const invitation = named('Invitation', obj({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  status: z.enum(['pending', 'expired']),
  invitedBy: obj({ userId: z.string(), fullName: z.string() }),
  createdAt: isoTime,
  expiresAt: isoTime,
  lastSentAt: isoTime,
  emailStatus: z.enum(['queued', 'sent', 'failed']),
}));
export const invitations = page(invitation);
export const inviteResults = obj({
  results: z.array(obj({
    email: z.string(),
    status: z.enum(['invited', 'already_member', 'already_invited', 'invalid_email', 'in_removal_window']),
    invitation: invitation.optional(),
    purgeAt: isoTime.optional(),
  })),
});
export const invitationDetails = obj({
  workspace: obj({ id: z.string(), name: z.string() }),
  email: z.string(),
  role: z.string(),
  invitedBy: obj({ fullName: z.string() }),
  expiresAt: isoTime,
  needsFullName: z.boolean(),
});
export const acceptance = obj({ workspace: obj({ id: z.string(), name: z.string() }), member, session });

// ---- application users ----------------------------------------------------------
const accessTypeName = z.enum(ACCESS_TYPE_NAMES as [string, ...string[]]);
const appUserFields = {
  id: z.string(),
  clientId: z.string(),
  name: z.string(),
  accessType: accessTypeName,
  scopes: z.array(z.string()).describe(`Scopes of the access type: ${SCOPES.join(', ')}`),
  createdAt: isoTime,
  createdBy: z.string(),
};
export const appUser = named('AppUser', obj(appUserFields));
export const appUsers = page(appUser);
export const createdAppUser = named('CreatedAppUser', obj({
  ...appUserFields,
  clientSecret: z.string().describe('Shown only in this response'),
}));
export const appUserSecret = obj({ clientSecret: z.string().describe('Shown only in this response') });
export const accessTypes = z.array(obj({ accessType: accessTypeName, scopes: z.array(z.enum(SCOPES)) }));

// ---- integrations -----------------------------------------------------------------
export const integration = named('Integration', obj({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  config: z.record(z.string(), z.unknown()).optional().describe("Only for the integration's owners and holders of integrations.manage_all"),
  owners: z.array(z.string()),
  users: z.array(z.string()),
  status: z.enum(['active', 'orphaned']),
  createdAt: isoTime,
  createdBy: z.string(),
  updatedAt: isoTime,
}));
export const integrations = page(integration);

// ---- marketplace apps -------------------------------------------------------------
export const catalogApp = named('CatalogApp', obj({
  id: z.string(),
  name: z.string(),
  developer: z.string(),
  permissions: z.array(z.string()),
  allowsUserSelection: z.boolean(),
}));
export const catalog = emptyPage(catalogApp);
export const installationUser = named('InstallationUser', obj({
  userId: z.string(),
  status: z.enum(['pending', 'authorized']),
  addedAt: isoTime,
  authorizedAt: isoTime.optional(),
}));
export const installation = named('Installation', obj({
  appId: z.string(),
  name: z.string(),
  audience: z.enum(['me', 'all', 'specific']),
  installedBy: z.string(),
  installedAt: isoTime,
  users: z.array(installationUser),
}));
export const installations = emptyPage(installation);
export const installationUsers = page(installationUser);
