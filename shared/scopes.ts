/**
 * OAuth scopes of application users (API.md "Access types"). The vocabulary sits below the layers because
 * tokens (shared/auth) carry it as well as the domain's permission catalog (shared/domain/permissions.ts),
 * which maps each scope to the permission it needs.
 */
export const SCOPES = [
  'members:read', 'members:write', 'invitations:write',
  'integrations:read', 'integrations:write', 'integrations:share', 'apps:read',
] as const;
export type Scope = (typeof SCOPES)[number];
