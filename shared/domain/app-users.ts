/**
 * Application users (API.md "Application users and OAuth 2.0", seed 001): machine
 * clients of one workspace. They are not members and take no seat; their access
 * is the scope set of their access type.
 *
 * Access tokens are self-contained JWTs carrying the scopes and the secret
 * `generation` they were issued under; the token check (access.ts) reads the app
 * user on every request, so disabling it, ending a secret, or bumping the
 * generation stops every issued access token at once.
 */
import { addSeconds, clock } from '../clock.js';
import { newId } from '../ids.js';
import { NotFoundError } from '../errors.js';
import { hashToken, newToken } from '../auth/secrets.js';
import { retryOnConflict, transact, type Page, type TxPart } from '../data/core.js';
import {
  AppUserPart, getAppUser, listAppUsersOfWorkspace, putAppUserPart, replaceAppUserPart, type AppUser,
} from '../data/app-users.js';
import { revokeFamiliesOf } from '../data/refresh-tokens.js';
import { auditPart } from './events.js';
import { ACCESS_TYPES, ACCESS_TYPE_NAMES, type AccessType, type Scope } from './permissions.js';
import { assertMayHoldApp, ceilingForAccessType } from './authority.js';
import type { Access, Actor } from './access.js';

/** Secret scanners (GitHub, GitGuardian) key on a fixed prefix. */
const SECRET_PREFIX = 'rsk_';

export interface AppUserView {
  id: string;
  clientId: string;
  name: string;
  accessType: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
}

export const viewAppUser = (a: AppUser): AppUserView => ({
  id: a.clientId,
  clientId: a.clientId,
  name: a.name,
  accessType: a.accessType,
  scopes: a.scopes,
  createdAt: a.createdAt,
  createdBy: a.createdBy,
});

export const accessTypes = (): { accessType: AccessType; scopes: Scope[] }[] =>
  ACCESS_TYPE_NAMES.map((accessType) => ({ accessType, scopes: [...ACCESS_TYPES[accessType]] }));

const scopesOf = (accessType: string): Scope[] => [...ACCESS_TYPES[accessType as AccessType]];

const target = (clientId: string) => ({ type: 'app_user', id: clientId });

const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x) => (b ?? []).includes(x));

/**
 * A fresh secret: 256 random bits behind the prefix, kept only as hashToken()'s
 * keyed hash — see shared/auth/secrets.ts for why a fast HMAC (not bcrypt/argon2)
 * is the right hash for a high-entropy machine secret.
 */
async function mintSecret(): Promise<{ secret: string; hash: string }> {
  const secret = newToken(SECRET_PREFIX);
  return { secret, hash: await hashToken(secret) };
}

/** Only what the caller holds (authority.ts); the app keeps the caller's permissions as its ceiling. */
export async function createAppUser(
  workspaceId: string,
  access: Access,
  input: { name: string; accessType: AccessType },
): Promise<AppUserView & { clientSecret: string }> {
  const ceiling = ceilingForAccessType(access, input.accessType);
  const { actor } = access;
  const now = clock.nowIso();
  const { secret, hash } = await mintSecret();
  const app: AppUser = {
    clientId: newId('app'), workspaceId, name: input.name, accessType: input.accessType,
    scopes: scopesOf(input.accessType), status: 'active', createdAt: now, createdBy: actor.id, updatedAt: now, ceiling,
    generation: 0, secretHash: hash, version: 0,
  };
  await transact([
    putAppUserPart(app),
    auditPart(workspaceId, actor, 'app_user.created', target(app.clientId), { name: app.name, accessType: app.accessType }, now),
  ]);
  return { ...viewAppUser(app), clientSecret: secret };
}

/** Disabled app users and those of other workspaces do not exist for this workspace. */
async function requireAppUser(workspaceId: string, clientId: string): Promise<AppUser> {
  const app = await getAppUser(clientId, true);
  if (!app || app.workspaceId !== workspaceId || app.status !== 'active') throw new NotFoundError('Application user not found.');
  return app;
}

export async function getAppUserView(workspaceId: string, clientId: string): Promise<AppUserView> {
  return viewAppUser(await requireAppUser(workspaceId, clientId));
}

export async function listAppUsers(workspaceId: string, limit: number, cursor: string | undefined): Promise<Page<AppUserView>> {
  const page = await listAppUsersOfWorkspace(workspaceId, limit, cursor);
  return { items: page.items.map(viewAppUser), nextCursor: page.nextCursor };
}

/**
 * Optimistic read-modify-write of one app user, retried on a concurrent change.
 * `change` returns the next state and the audit part, or undefined for a no-op.
 */
async function changeAppUser(
  workspaceId: string,
  clientId: string,
  change: (a: AppUser, now: string) => { next: AppUser; parts: TxPart[] } | undefined,
): Promise<{ before: AppUser; after: AppUser }> {
  return retryOnConflict(async () => {
    const current = await requireAppUser(workspaceId, clientId);
    const out = change(current, clock.nowIso());
    if (!out) return { before: current, after: current };
    await transact([replaceAppUserPart(out.next), ...out.parts]);
    return { before: current, after: { ...out.next, version: current.version + 1 } };
  }, { retryIf: (err) => err.has(AppUserPart.appUser) });
}

/**
 * Rename and/or change the access type. New tokens carry the new scopes. A change
 * that removes any scope also starts a new secret generation (same secret) and
 * revokes the refresh tokens, so no token issued under the wider access outlives
 * the change; that ends a secret grace period still running, because the
 * previous secret's tokens would otherwise keep the old scopes until it ends.
 * A change that only adds scopes leaves issued tokens alone.
 *
 * Setting the access type (even to the same one) is a grant: the caller must hold
 * it, and the app's ceiling becomes the caller's permissions.
 */
export async function updateAppUser(
  workspaceId: string,
  access: Access,
  clientId: string,
  input: { name?: string; accessType?: AccessType },
): Promise<AppUserView> {
  const ceiling = input.accessType && ceilingForAccessType(access, input.accessType);
  let narrowed = false;
  const { after } = await changeAppUser(workspaceId, clientId, (a, now) => {
    const name = input.name ?? a.name;
    const accessType = input.accessType ?? a.accessType;
    const nextCeiling = ceiling ?? a.ceiling;
    if (name === a.name && accessType === a.accessType && sameSet(nextCeiling, a.ceiling)) return undefined;
    const scopes = scopesOf(accessType);
    narrowed = a.scopes.some((s) => !scopes.includes(s as Scope));
    const next: AppUser = { ...a, name, accessType, scopes, ...(nextCeiling ? { ceiling: nextCeiling } : {}), updatedAt: now };
    if (narrowed) {
      next.generation = a.generation + 1;
      delete next.previousSecretHash;
      delete next.previousSecretExpiresAt;
    }
    const changes: Record<string, unknown> = {};
    if (name !== a.name) changes.name = { from: a.name, to: name };
    if (accessType !== a.accessType) changes.accessType = { from: a.accessType, to: accessType };
    if (!sameSet(nextCeiling, a.ceiling)) changes.ceiling = { from: a.ceiling ?? null, to: nextCeiling };
    return {
      next,
      parts: [auditPart(workspaceId, access.actor, 'app_user.updated', target(clientId), { ...changes, tokensRevoked: narrowed }, now)],
    };
  });
  if (narrowed) await revokeFamiliesOf(clientId, clock.nowIso());
  return viewAppUser(after);
}

/** DELETE: the app user is disabled (kept, so its id is never reused and audit targets resolve) and all its tokens die. */
export async function disableAppUser(workspaceId: string, actor: Actor, clientId: string): Promise<void> {
  await changeAppUser(workspaceId, clientId, (a, now) => ({
    next: { ...a, status: 'disabled', disabledAt: now, updatedAt: now },
    parts: [auditPart(workspaceId, actor, 'app_user.disabled', target(clientId), { name: a.name }, now)],
  }));
  // The status check already refuses every token; revoking the families also cleans them up.
  await revokeFamiliesOf(clientId, clock.nowIso());
}

/**
 * A new secret and a new generation. With a grace period the previous secret keeps
 * working (and tokens issued under it keep working) until it ends; without one it
 * is dead at once. Either way the refresh tokens are revoked. The new secret hands
 * the app's authority to the caller, who must hold it (authority.ts).
 */
export async function resetAppUserSecret(
  workspaceId: string,
  access: Access,
  clientId: string,
  previousSecretExpiresInSeconds = 0,
): Promise<{ clientSecret: string }> {
  const { actor } = access;
  const { secret, hash } = await mintSecret();
  await changeAppUser(workspaceId, clientId, (a, now) => {
    assertMayHoldApp(access, a);
    const next: AppUser = { ...a, generation: a.generation + 1, secretHash: hash, updatedAt: now };
    delete next.previousSecretHash;
    delete next.previousSecretExpiresAt;
    if (previousSecretExpiresInSeconds > 0) {
      next.previousSecretHash = a.secretHash;
      next.previousSecretExpiresAt = addSeconds(now, previousSecretExpiresInSeconds);
    }
    return {
      next,
      parts: [auditPart(workspaceId, actor, 'app_user.secret_reset', target(clientId), {
        previousSecretExpiresAt: next.previousSecretExpiresAt ?? null,
      }, now)],
    };
  });
  await revokeFamiliesOf(clientId, clock.nowIso());
  return { clientSecret: secret };
}
