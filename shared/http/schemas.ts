/**
 * Request schemas (zod). They validate requests and generate /openapi.json, so the
 * contract and the checks cannot drift apart.
 */
import { z } from 'zod';
import { ACCESS_TYPE_NAMES, PERMISSIONS, type AccessType } from '../domain/permissions.js';
import { S256_CHALLENGE } from '../auth/pkce.js';

export const email = z.string().trim().toLowerCase().pipe(z.email({ message: 'must be a valid email address' }).max(254));
export const fullName = z.string().trim().min(1).max(200);
const name = z.string().trim().min(1).max(200);
const roleId = z.string().trim().min(1).max(64);
const memberRef = z.string().trim().min(1).max(254);

export const pagination = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

// ---- sign-in ------------------------------------------------------------------
export const redirectUri = z.string().min(1).max(2000);
export const requestEmailLinkBody = z.object({
  email,
  fullName: fullName.optional(),
  // The hand-off to a host product (authorization code + PKCE); handoff.ts checks the allow-list.
  redirectUri: redirectUri.optional(),
  // RFC 6749 §A.5: visible ASCII.
  state: z.string().min(1).max(500).regex(/^[\x20-\x7e]+$/, 'must be visible ASCII').optional(),
  codeChallenge: z.string().regex(S256_CHALLENGE, 'must be BASE64URL(SHA-256(code_verifier)), 43 characters').optional(),
  codeChallengeMethod: z.literal('S256', { message: 'only S256 is supported' }).optional(),
}).strict();
export const createConsoleSessionBody = z.object({
  code: z.string().min(1).max(200),
  codeVerifier: z.string().min(1).max(200),
}).strict();
export const updateMeBody = z.object({ fullName }).strict();

// ---- OAuth (RFC 6749 field names) ---------------------------------------------
export const tokenRequestBody = z.object({
  grant_type: z.string().min(1).max(100),
  client_id: z.string().max(200).optional(),
  client_secret: z.string().max(200).optional(),
  scope: z.string().max(1000).optional(),
  refresh_token: z.string().max(500).optional(),
  code: z.string().max(200).optional(),
  redirect_uri: z.string().max(2000).optional(),
  code_verifier: z.string().max(200).optional(),
});
export const revokeRequestBody = z.object({
  token: z.string().min(1).max(2000),
  token_type_hint: z.string().max(50).optional(),
  client_id: z.string().max(200).optional(),
  client_secret: z.string().max(200).optional(),
});

// ---- workspaces ---------------------------------------------------------------
export const seats = z.number().int().min(1).max(1_000_000);
export const createWorkspaceBody = z.object({ name, seats: seats.optional() }).strict();
export const updateWorkspaceBody = z.object({ name: name.optional(), defaultRole: roleId.optional() }).strict()
  .refine((b) => b.name !== undefined || b.defaultRole !== undefined, { message: 'name or defaultRole is required' });
export const updateSubscriptionBody = z.object({ seats }).strict();
export const transferOwnershipBody = z.object({ userId: z.string().trim().min(1).max(64) }).strict();

// ---- roles --------------------------------------------------------------------
const permissionList = z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length);
export const createRoleBody = z.object({ name, permissions: permissionList }).strict();
export const updateRoleBody = z.object({ name: name.optional(), permissions: permissionList.optional() }).strict();

// ---- members ------------------------------------------------------------------
export const memberStatus = z.enum(['active', 'suspended', 'deactivated', 'removed']);
export const listMembersQuery = pagination.extend({ status: memberStatus.optional(), role: roleId.optional() });
export const updateMemberBody = z.object({ role: roleId }).strict();
export const removeMemberBody = z.object({ reassignTo: z.string().trim().min(1).max(64).optional() }).strict();
export const removeMemberQuery = z.object({ purge: z.enum(['true', 'false']).optional() });

// ---- invitations --------------------------------------------------------------
export const inviteBody = z.object({
  emails: z.union([z.array(z.string().max(320)).min(1).max(100), z.string().min(1).max(100 * 320)]),
  role: roleId.optional(),
  expiresInDays: z.number().int().min(1).max(30).optional(),
  redirectUri: redirectUri.optional(),
}).strict();
export const acceptInvitationBody = z.object({ fullName: fullName.optional() }).strict();

// ---- application users --------------------------------------------------------
export const accessType = z.enum(ACCESS_TYPE_NAMES as [AccessType, ...AccessType[]]);
export const createAppUserBody = z.object({ name, accessType }).strict();
export const updateAppUserBody = z.object({ name: name.optional(), accessType: accessType.optional() }).strict();
export const resetSecretBody = z.object({ previousSecretExpiresInSeconds: z.number().int().min(0).max(86_400).optional() }).strict();

// ---- free-form JSON -----------------------------------------------------------
export const FREE_FORM_MAX_BYTES = 8 * 1024;
/** Containers nested inside each other, the outer object included: `{"a":{"b":1}}` is depth 2. */
export const FREE_FORM_MAX_DEPTH = 5;

/** Why a parsed JSON value breaks the free-form bounds, or undefined when it keeps them. */
export function freeFormProblem(value: unknown): string | undefined {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) return 'numbers must be finite';
    if (v === null || typeof v !== 'object') continue;
    if (depth > FREE_FORM_MAX_DEPTH) return `must be nested at most ${FREE_FORM_MAX_DEPTH} levels deep`;
    for (const child of Object.values(v)) pending.push([child, depth + 1]);
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > FREE_FORM_MAX_BYTES) return `must be at most ${FREE_FORM_MAX_BYTES} bytes as JSON`;
  return undefined;
}

/**
 * A JSON object within the free-form bounds (API.md "Conventions"). The value is
 * kept exactly as parsed (not rebuilt key by key), so keys such as `""` or
 * `__proto__` stay plain data.
 */
export const freeFormObject = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  { message: 'must be a JSON object' },
).superRefine((v, ctx) => {
  const problem = freeFormProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}).meta({
  type: 'object',
  additionalProperties: {},
  description: `Free-form JSON object: at most ${FREE_FORM_MAX_BYTES} bytes serialized, ${FREE_FORM_MAX_DEPTH} levels deep, finite numbers only`,
});

// ---- integrations -------------------------------------------------------------
export const createIntegrationBody = z.object({
  name,
  kind: z.string().trim().min(1).max(100).optional(),
  config: freeFormObject.optional(),
}).strict();
export const updateIntegrationBody = z.object({
  name: name.optional(),
  kind: z.string().trim().min(1).max(100).optional(),
  config: freeFormObject.optional(),
}).strict();
export const shareIntegrationBody = z.object({
  owners: z.array(memberRef).min(1).max(500),
  users: z.array(memberRef).max(500),
  notify: z.boolean().optional(),
}).strict();

// ---- marketplace apps ---------------------------------------------------------
export const installAppBody = z.object({
  audience: z.enum(['me', 'all', 'specific']),
  users: z.array(memberRef).max(500).optional(),
  notify: z.boolean().optional(),
  acceptPermissions: z.literal(true),
}).strict();
export const updateAppUsersBody = z.object({
  add: z.array(memberRef).max(500).optional(),
  remove: z.array(memberRef).max(500).optional(),
  notify: z.boolean().optional(),
}).strict();

/** Local mode only: move the service clock forward, or put it back to the system time. */
export const localClockBody = z.union([
  z.object({ advanceSeconds: z.number().int().min(0).max(10 * 365 * 24 * 3600) }).strict(),
  z.object({ reset: z.literal(true) }).strict(),
]);
