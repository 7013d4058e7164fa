/**
 * Invitations (API.md "Invitations"): bulk invite with per-email results, resend,
 * revoke, list, the link's page, and acceptance — which creates the user if new, the
 * membership and the seat in one transaction, so a link is used at most once and the
 * seat count stays exact under any concurrency.
 */
import { z } from 'zod';
import { addSeconds, clock } from '../clock.js';
import { config } from '../config.js';
import { newId } from '../ids.js';
import { ConflictError, GoneError, NotFoundError, RateLimitedError, UnprocessableError, ValidationError } from '../errors.js';
import { hashToken, newToken } from '../auth/secrets.js';
import { retryOnConflict, transact, TransactionConflict, type Page, type TxPart } from '../data/core.js';
import {
  consumeInvitationParts, deleteInvitationParts, getInvitation, InvitationPart, getInvitationByTokenHash, invitationKey, inviteeStates,
  listInvitations as listInvitationItems, putInvitationParts, replaceExpiredInvitationParts, resendInvitationParts,
  type Invitation, type Inviter,
} from '../data/invitations.js';
import { getMember, putMemberPart, replaceMemberPart, type Member } from '../data/members.js';
import { getUserByEmail, putUserParts, type User } from '../data/users.js';
import { takeSeatPart, WorkspacePart, type Workspace } from '../data/workspaces.js';
import { getAppUser } from '../data/app-users.js';
import { hit } from '../data/rate-limits.js';
import { RolePart } from '../data/roles.js';
import { requireWorkspace } from './workspaces.js';
import { assertMayAssignRole, assertMayGiveBackRole } from './authority.js';
import { roleAssignmentParts, roleName } from './roles.js';
import { auditPart, linkEmailPart, SYSTEM_ACTOR } from './events.js';
import { viewMember, type MemberView } from './members.js';
import { purgeOrphanedIntegrations } from './integration-assets.js';
import { startSession, type Session, type SessionStart } from './sessions.js';
import { assertAllowedRedirectUri, isAllowedRedirectUri } from './handoff.js';
import type { Access, Actor } from './access.js';

const DAY = 24 * 3600;
const MAX_EMAILS = 100;
const DEFAULT_EXPIRY_DAYS = 7;
/** Invitation transactions in flight at once for one request (a bulk invite of 100). */
const WRITE_CONCURRENCY = 8;

export interface InvitationView {
  id: string;
  email: string;
  role: string;
  status: 'pending' | 'expired';
  invitedBy: { userId: string; fullName: string };
  createdAt: string;
  expiresAt: string;
  lastSentAt: string;
  emailStatus: Invitation['emailStatus'];
}

export type InviteStatus = 'invited' | 'already_member' | 'already_invited' | 'invalid_email' | 'in_removal_window';

export interface InviteResult {
  email: string;
  status: InviteStatus;
  invitation?: InvitationView;
  purgeAt?: string;
}

const isExpired = (inv: Pick<Invitation, 'expiresAt'>, nowIso: string) => inv.expiresAt <= nowIso;

/** A removed record past purgeAt is gone for every read, even before DynamoDB's TTL deletes it. */
const pastRemovalWindow = (m: Member, nowIso: string) => m.status === 'removed' && m.purgeAt !== undefined && m.purgeAt <= nowIso;

export const viewInvitation = (inv: Invitation, nowIso = clock.nowIso()): InvitationView => ({
  id: inv.id,
  email: inv.email,
  role: inv.role,
  status: isExpired(inv, nowIso) ? 'expired' : 'pending',
  invitedBy: { userId: inv.invitedBy.userId, fullName: inv.invitedBy.fullName },
  createdAt: inv.createdAt,
  expiresAt: inv.expiresAt,
  lastSentAt: inv.lastSentAt,
  emailStatus: inv.emailStatus,
});

// ---- parsing ------------------------------------------------------------------

const emailSchema = z.email().max(254);

/**
 * One string is split on commas, semicolons and new lines (seed 002's
 * `joe.smith@example.com, mary.jones@example.com`). Duplicates (case-insensitive)
 * collapse to their first occurrence, so every address gets exactly one result.
 */
export function parseEmails(input: string | string[]): { valid: string[]; order: string[] } {
  const pieces = (typeof input === 'string' ? input.split(/[,;\r\n]+/) : input).map((s) => s.trim()).filter((s) => s.length > 0);
  if (pieces.length === 0) throw new ValidationError('Name at least one email address.', { emails: 'no email address given' });
  if (pieces.length > MAX_EMAILS) throw new ValidationError(`At most ${MAX_EMAILS} addresses per request.`, { emails: `more than ${MAX_EMAILS} addresses` });
  const order = [...new Set(pieces.map((p) => p.toLowerCase()))];
  return { valid: order.filter((e) => emailSchema.safeParse(e).success), order };
}

// ---- inviting -----------------------------------------------------------------

/** Who is inviting: a member, or an application user with `invitations:write` (named after the app). */
async function inviterOf(access: Access): Promise<Inviter> {
  if (access.principal.type === 'app') {
    const app = await getAppUser(access.principal.clientId);
    return { type: 'app', userId: access.principal.clientId, fullName: app?.name ?? 'API' };
  }
  return { type: 'user', userId: access.principal.userId, fullName: access.member?.fullName ?? 'A workspace administrator' };
}

interface InviteContext {
  workspace: Workspace;
  actor: Actor;
  inviter: Inviter;
  role: string;
  roleName: string;
  expiresInDays: number;
  redirectUri?: string;
}

function newInvitation(ctx: InviteContext, email: string, tokenHash: string, now: string): Invitation {
  return {
    id: newId('inv'),
    workspaceId: ctx.workspace.id,
    email,
    role: ctx.role,
    invitedBy: ctx.inviter,
    createdAt: now,
    expiresAt: addSeconds(now, ctx.expiresInDays * DAY),
    expiresInDays: ctx.expiresInDays,
    lastSentAt: now,
    emailStatus: 'queued',
    emailMessageId: newId('out'),
    tokenHash,
    ...(ctx.redirectUri !== undefined ? { redirectUri: ctx.redirectUri } : {}),
    version: 0,
  };
}

/** The email rides in the invitation's transaction; its outbox id lets delivery update `emailStatus`. */
function invitationEmailPart(inv: Invitation, token: string, workspaceName: string, roleDisplayName: string): Promise<TxPart> {
  return linkEmailPart('invitation', inv.email, token, {
    inviterName: inv.invitedBy.fullName, workspaceName, roleName: roleDisplayName, expiresAt: inv.expiresAt,
  }, invitationKey(inv.workspaceId, inv.id), inv.emailMessageId);
}

const unknownRole = (role: string) => new ValidationError('Unknown role.', { role: `no role "${role}" in this workspace` }, 'unknown_role');

/** Invite one address whose state was read as "nothing outstanding" (or only an expired invitation). */
async function inviteOne(ctx: InviteContext, email: string, expired: Invitation | undefined): Promise<InviteResult> {
  const token = newToken();
  const now = clock.nowIso();
  const inv = newInvitation(ctx, email, await hashToken(token), now);
  try {
    await transact([
      ...(expired ? replaceExpiredInvitationParts(expired, inv, now) : putInvitationParts(inv)),
      ...roleAssignmentParts(ctx.workspace.id, expired?.role, inv.role),
      await invitationEmailPart(inv, token, ctx.workspace.name, ctx.roleName),
      auditPart(ctx.workspace.id, ctx.actor, 'member.invited', { type: 'invitation', id: inv.id }, { email, role: inv.role }, now),
    ]);
    return { email, status: 'invited', invitation: viewInvitation(inv, now) };
  } catch (err) {
    if (err instanceof TransactionConflict && err.has(RolePart.assign)) throw unknownRole(ctx.role);
    // Someone invited (or resent to) this address at the same moment: theirs stands.
    if (err instanceof TransactionConflict && (err.has(InvitationPart.email) || err.has(InvitationPart.old))) {
      const [state] = await inviteeStates(ctx.workspace.id, [email]);
      return { email, status: 'already_invited', ...(state?.invitation ? { invitation: viewInvitation(state.invitation) } : {}) };
    }
    throw err;
  }
}

async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function assertInvitationBudget(workspaceId: string, count: number): Promise<void> {
  if (count === 0) return;
  const wait = await hit(`invitations:${workspaceId}`, config.invitationsPerWorkspacePerDay, DAY, clock.nowEpochSeconds(), count);
  if (wait > 0) throw new RateLimitedError(wait);
}

export async function inviteMembers(
  workspaceId: string,
  access: Access,
  input: { emails: string | string[]; role?: string; expiresInDays?: number; redirectUri?: string },
): Promise<{ results: InviteResult[] }> {
  if (input.redirectUri !== undefined) assertAllowedRedirectUri(input.redirectUri);
  const { valid, order } = parseEmails(input.emails);
  const workspace = await requireWorkspace(workspaceId, true);
  const role = input.role ?? workspace.defaultRole;
  await assertMayAssignRole(access, workspaceId, role);
  const ctx: InviteContext = {
    workspace, actor: access.actor, inviter: await inviterOf(access), role,
    roleName: await roleName(workspaceId, role), expiresInDays: input.expiresInDays ?? DEFAULT_EXPIRY_DAYS,
    ...(input.redirectUri !== undefined ? { redirectUri: input.redirectUri } : {}),
  };

  const nowIso = clock.nowIso();
  const results = new Map<string, InviteResult>();
  const toInvite: { email: string; expired?: Invitation }[] = [];
  for (const state of await inviteeStates(workspaceId, valid)) {
    const { email, member, invitation } = state;
    const liveMember = member && !pastRemovalWindow(member, nowIso) ? member : undefined;
    if (liveMember?.status === 'removed') {
      results.set(email, { email, status: 'in_removal_window', purgeAt: liveMember.purgeAt });
    } else if (liveMember) {
      results.set(email, { email, status: 'already_member' });
    } else if (invitation && !isExpired(invitation, nowIso)) {
      results.set(email, { email, status: 'already_invited', invitation: viewInvitation(invitation, nowIso) });
    } else {
      toInvite.push({ email, expired: invitation });
    }
  }

  // All or nothing: a request that would exceed the day's budget invites no one.
  await assertInvitationBudget(workspaceId, toInvite.length);
  const invited = await inParallel(toInvite, WRITE_CONCURRENCY, (t) => inviteOne(ctx, t.email, t.expired));
  for (const r of invited) results.set(r.email, r);

  return { results: order.map((email) => results.get(email) ?? { email, status: 'invalid_email' }) };
}

export async function listInvitations(workspaceId: string, limit: number, cursor: string | undefined): Promise<Page<InvitationView>> {
  const page = await listInvitationItems(workspaceId, limit, cursor);
  const now = clock.nowIso();
  return { items: page.items.map((i) => viewInvitation(i, now)), nextCursor: page.nextCursor };
}

async function requireInvitation(workspaceId: string, invitationId: string): Promise<Invitation> {
  const inv = await getInvitation(workspaceId, invitationId);
  if (!inv) throw new NotFoundError('Invitation not found.');
  return inv;
}

/**
 * A new link and a new expiry (the same validity period); the old link stops working at once.
 * It hands the invitation's role out again, so the caller must hold it (authority.ts).
 */
export async function resendInvitation(workspaceId: string, access: Access, invitationId: string): Promise<InvitationView> {
  const { actor } = access;
  await assertMayGiveBackRole(access, workspaceId, (await requireInvitation(workspaceId, invitationId)).role);
  await assertInvitationBudget(workspaceId, 1);
  const workspace = await requireWorkspace(workspaceId);
  // Resent, accepted or revoked meanwhile: decide again on fresh state.
  return retryOnConflict(async () => {
    const current = await requireInvitation(workspaceId, invitationId);
    const token = newToken();
    const now = clock.nowIso();
    const next = {
      tokenHash: await hashToken(token),
      expiresAt: addSeconds(now, current.expiresInDays * DAY),
      lastSentAt: now,
      emailMessageId: newId('out'),
    };
    const resent: Invitation = { ...current, ...next, emailStatus: 'queued', version: current.version + 1 };
    await transact([
      ...resendInvitationParts(current, next),
      await invitationEmailPart(resent, token, workspace.name, await roleName(workspaceId, current.role)),
      auditPart(workspaceId, actor, 'invitation.resent', { type: 'invitation', id: invitationId }, { email: current.email }, now),
    ]);
    return viewInvitation(resent, now);
  });
}

export async function revokeInvitation(workspaceId: string, actor: Actor, invitationId: string): Promise<void> {
  await retryOnConflict(async () => {
    const inv = await requireInvitation(workspaceId, invitationId);
    await transact([
      ...deleteInvitationParts(inv),
      ...roleAssignmentParts(workspaceId, inv.role, undefined),
      auditPart(workspaceId, actor, 'invitation.revoked', { type: 'invitation', id: inv.id }, { email: inv.email, role: inv.role }),
    ]);
  });
}

// ---- the link -----------------------------------------------------------------

const notFound = () => new NotFoundError('This invitation link is invalid, used or revoked.', 'invitation_not_found');
const expiredError = () => new GoneError('invitation_expired', 'This invitation has expired; ask for a new one.');

async function liveInvitation(token: string): Promise<Invitation> {
  const inv = await getInvitationByTokenHash(await hashToken(token));
  if (!inv) throw notFound();
  if (isExpired(inv, clock.nowIso())) throw expiredError();
  return inv;
}

export interface InvitationDetails {
  workspace: { id: string; name: string };
  email: string;
  role: string;
  invitedBy: { fullName: string };
  expiresAt: string;
  needsFullName: boolean;
}

/** What the link offers (never accepts): the page and the JSON answer are built from this. */
export async function describeInvitation(token: string): Promise<{ details: InvitationDetails; roleName: string }> {
  const inv = await liveInvitation(token);
  const [workspace, user, name] = await Promise.all([
    requireWorkspace(inv.workspaceId), getUserByEmail(inv.email), roleName(inv.workspaceId, inv.role),
  ]);
  return {
    details: {
      workspace: { id: workspace.id, name: workspace.name },
      email: inv.email,
      role: inv.role,
      invitedBy: { fullName: inv.invitedBy.fullName },
      expiresAt: inv.expiresAt,
      needsFullName: !user,
    },
    roleName: name,
  };
}

export interface Acceptance {
  workspace: { id: string; name: string };
  member: MemberView;
  session: Session;
}

/** A joined member, before any session: where the invitation asked a browser to go, if anywhere. */
interface Joined {
  workspace: { id: string; name: string };
  member: MemberView;
  userId: string;
  redirectUri?: string;
}

/** Contended transactions (ten people taking the last seat) are retried after a short random pause. */
const ACCEPT_ATTEMPTS = 12;
const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));

/**
 * Accept: in ONE transaction the link is consumed, the invitation deleted, the user
 * created if new, the membership created and a seat taken. Any failed condition
 * cancels all of it, so a link is used at most once, a rejected acceptance (no seat)
 * leaves the invitation pending, and the seat count stays exact.
 */
async function join(token: string, fullName: string | undefined): Promise<Joined> {
  for (let attempt = 0; ; attempt++) {
    const inv = await liveInvitation(token);
    const nowIso = clock.nowIso();
    const [workspace, existingUser] = await Promise.all([requireWorkspace(inv.workspaceId), getUserByEmail(inv.email)]);
    // Read past the TTL (epoch 0) to see a removed record DynamoDB has not deleted yet.
    const existing = existingUser ? await getMember(workspace.id, existingUser.id, 0) : undefined;
    const stale = existing && pastRemovalWindow(existing, nowIso) ? existing : undefined;
    if (existing && !stale) {
      // The membership may be this very link's doing (a concurrent accept won): then the link is used.
      await liveInvitation(token);
      if (existing.status === 'removed') {
        throw new ConflictError('in_removal_window', 'This email was removed from the workspace recently; an administrator can restore it.', { purgeAt: existing.purgeAt });
      }
      throw new ConflictError('already_member', 'This email is already a member of the workspace.');
    }
    if (!existingUser && !fullName) throw new UnprocessableError('full_name_required', 'Tell us your full name to create your account.');

    const user: User = existingUser ?? { id: newId('usr'), email: inv.email, fullName: fullName!, createdAt: nowIso, updatedAt: nowIso };
    const member: Member = {
      workspaceId: workspace.id, userId: user.id, email: user.email, fullName: user.fullName, role: inv.role, status: 'active',
      joinedAt: nowIso, updatedAt: nowIso, version: 0,
    };
    const actor: Actor = { type: 'user', id: user.id };
    // The old record's window has closed, so what it left behind goes now (idempotent), as the purge handler would.
    if (stale) await purgeOrphanedIntegrations(workspace.id, stale.userId);
    try {
      await transact([
        ...consumeInvitationParts(inv, nowIso),
        ...(existingUser ? [] : putUserParts(user)),
        // A removed record past its window (DynamoDB's TTL lags) is purged here and replaced; the
        // invitation's role assignment moves onto the new membership.
        ...(stale ? [
          replaceMemberPart({ ...member, version: stale.version }),
          ...roleAssignmentParts(workspace.id, stale.role, undefined),
          auditPart(workspace.id, SYSTEM_ACTOR, 'member.purged', { type: 'member', id: user.id }, {
            reason: 'removal_window_ended', removedAt: stale.removedAt, purgeAt: stale.purgeAt,
          }, nowIso),
        ] : [putMemberPart(member)]),
        takeSeatPart(workspace.id, nowIso),
        auditPart(workspace.id, actor, 'invitation.accepted', { type: 'invitation', id: inv.id }, { email: inv.email, userId: user.id }, nowIso),
        auditPart(workspace.id, actor, 'member.joined', { type: 'member', id: user.id }, { role: inv.role, invitationId: inv.id }, nowIso),
      ]);
      return { workspace: { id: workspace.id, name: workspace.name }, member: viewMember(member), userId: user.id, redirectUri: inv.redirectUri };
    } catch (err) {
      if (!(err instanceof TransactionConflict)) throw err;
      if (err.has(InvitationPart.token)) throw notFound();
      if (err.has(WorkspacePart.seat)) throw new ConflictError('no_seat_available', 'The workspace has no free seat; ask an administrator to add one.');
      // The invitation expired or was resent, the email got a user or a membership, or the
      // workspace item was contended: read everything again and decide on fresh state.
      if (attempt >= ACCEPT_ATTEMPTS) throw err;
      await pause(attempt);
    }
  }
}

/** Accept for an API client: the membership and a session. */
export async function acceptInvitation(token: string, fullName: string | undefined): Promise<Acceptance> {
  const { workspace, member, userId } = await join(token, fullName);
  return { workspace, member, session: await startSession({ type: 'user', userId }) };
}

export type BrowserAcceptance =
  /** The invitation's own redirect URI (still on the allow-list): no session, nothing in the URL. */
  | { kind: 'redirect'; location: string }
  /** Into the Console, signed in. */
  | { kind: 'console'; workspaceId: string; session: Session };

/**
 * Accept in a browser (API.md "Invitations": "after accepting in a browser the person
 * is taken there (no code in the URL), or, without one, into the Console, signed in").
 * The redirect URI is checked against the allow-list again: one removed since the
 * invitation was sent falls back to the Console.
 */
export async function acceptInvitationInBrowser(token: string, fullName: string | undefined, start: SessionStart = {}): Promise<BrowserAcceptance> {
  const { workspace, userId, redirectUri } = await join(token, fullName);
  if (redirectUri !== undefined && isAllowedRedirectUri(redirectUri)) return { kind: 'redirect', location: redirectUri };
  return { kind: 'console', workspaceId: workspace.id, session: await startSession({ type: 'user', userId }, start) };
}
