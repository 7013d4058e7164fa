/**
 * The member lifecycle (API.md "Members"): reading, role changes, suspension,
 * reactivation, removal with its 14-day window, restore and purge.
 *
 * Every transition is one transaction: the version-guarded membership, the seat
 * counter when the member starts or stops holding a seat, custom-role assignment
 * counters, and the audit event. Integrations follow after the commit
 * (integration-assets.ts): their number is unbounded, so they cannot share it,
 * and each of those steps is idempotent so a repeated request finishes the work.
 */
import { addSeconds, clock } from '../clock.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from '../errors.js';
import { retryOnConflict, transact, TransactionConflict, type Page, type TxPart } from '../data/core.js';
import {
  deleteMemberPart, getMember, holdsSeat, listMembers, MemberPart, replaceMemberPart, toMember,
  type Member, type MemberStatus,
} from '../data/members.js';
import { releaseSeatPart, takeSeatPart, WorkspacePart } from '../data/workspaces.js';
import { RolePart } from '../data/roles.js';
import { auditPart, SYSTEM_ACTOR } from './events.js';
import { roleAssignmentParts } from './roles.js';
import { purgeOrphanedIntegrations, reassignOrOrphanOwnedIntegrations, restoreOrphanedIntegrations } from './integration-assets.js';
import { assertMayAssignRole, assertMayGiveBackRole, assertNotOwnRole } from './authority.js';
import type { Access } from './access.js';

/** Seed 002: a removed member can be restored, with their assets, for 14 days. */
export const REMOVAL_WINDOW_SECONDS = 14 * 24 * 3600;

/** The public shape of a membership (API.md "Members"). */
export type MemberView = Omit<Member, 'workspaceId' | 'beforeRemoval' | 'version'>;

/**
 * The public shape. The state timestamps describe the current status only; the
 * item keeps them across a removal so a restore brings them back unchanged.
 */
export function viewMember(m: Member): MemberView {
  return {
    userId: m.userId,
    email: m.email,
    fullName: m.fullName,
    role: m.role,
    status: m.status,
    joinedAt: m.joinedAt,
    updatedAt: m.updatedAt,
    ...(m.status === 'suspended' && m.suspendedAt ? { suspendedAt: m.suspendedAt } : {}),
    ...(m.status === 'deactivated' && m.deactivatedAt ? { deactivatedAt: m.deactivatedAt } : {}),
    ...(m.status === 'removed' ? { removedAt: m.removedAt, purgeAt: m.purgeAt } : {}),
  };
}

export interface AssetOutcome {
  reassigned: string[];
  orphaned: string[];
}

const memberTarget = (userId: string) => ({ type: 'member', id: userId });
const notFound = () => new NotFoundError('Member not found.');
const callerId = (access: Access) => (access.principal.type === 'user' ? access.principal.userId : undefined);

/** members.manage for people; an application user's scope was checked by the route. */
function assertMayManage(access: Access): void {
  if (access.principal.type === 'user' && !access.permissions.has('members.manage')) {
    throw new ForbiddenError('This needs the members.manage permission.', 'forbidden', { missing: ['members.manage'] });
  }
}

/** Removed members appear only when asked for by status: they are no longer part of the workspace. */
export async function listWorkspaceMembers(
  workspaceId: string,
  query: { status?: MemberStatus; role?: string; limit: number; cursor?: string },
): Promise<Page<MemberView>> {
  const page = await listMembers(workspaceId, {
    ...query,
    excludeStatus: query.status ? undefined : 'removed',
    nowEpoch: clock.nowEpochSeconds(),
  });
  return { items: page.items.map(viewMember), nextCursor: page.nextCursor };
}

/** Any membership still on record, removed ones within their window included. */
export async function getWorkspaceMember(workspaceId: string, userId: string): Promise<MemberView> {
  const m = await getMember(workspaceId, userId, clock.nowEpochSeconds());
  if (!m) throw notFound();
  return viewMember(m);
}

interface Plan {
  next: Member;
  parts: TxPart[];
}

/**
 * Read the membership, let `plan` decide against it, write the plan in one
 * transaction. A concurrent change to the membership fails the version guard and
 * the decision is taken again on fresh state (a lost race in the end answers 409
 * concurrent_modification). `plan` returns undefined when there is nothing to change;
 * `onConflict` turns a failed business condition (a seat, a role) into its error.
 */
function changeMember(
  workspaceId: string,
  userId: string,
  plan: (m: Member, now: string, nowEpoch: number) => Plan | undefined | Promise<Plan | undefined>,
  onConflict: (err: TransactionConflict) => AppError | undefined = () => undefined,
): Promise<Member> {
  return retryOnConflict(async () => {
    const nowEpoch = clock.nowEpochSeconds();
    const current = await getMember(workspaceId, userId, nowEpoch);
    if (!current) throw notFound();
    const p = await plan(current, clock.nowIso(), nowEpoch);
    if (!p) return current;
    try {
      await transact(p.parts);
    } catch (err) {
      throw (err instanceof TransactionConflict && onConflict(err)) || err;
    }
    return { ...p.next, version: current.version + 1 };
  });
}

const noSeat = () => new ConflictError('no_seat_available', 'Every seat of this workspace is taken; add seats or free one first.');
const seatConflict = (err: TransactionConflict) => (err.has(WorkspacePart.seat) ? noSeat() : undefined);
const notActive = (m: Member) =>
  new ConflictError('member_not_active', `Only an active member can be changed this way; this one is ${m.status}.`, { status: m.status });
const useTransfer = () => new ConflictError('use_ownership_transfer', 'The owner role changes hands only by an ownership transfer.');

/** Only to a role the caller holds, and never one's own (authority.ts). */
export async function changeMemberRole(access: Access, workspaceId: string, userId: string, role: string): Promise<MemberView> {
  assertNotOwnRole(access, userId);
  await assertMayAssignRole(access, workspaceId, role);
  const member = await changeMember(workspaceId, userId, (m, now) => {
    if (m.role === 'owner') throw useTransfer();
    if (m.status !== 'active') throw notActive(m);
    if (m.role === role) return undefined;
    const next: Member = { ...m, role, updatedAt: now };
    return {
      next,
      parts: [
        replaceMemberPart(next),
        ...roleAssignmentParts(workspaceId, m.role, role),
        auditPart(workspaceId, access.actor, 'member.role_changed', memberTarget(userId), { from: m.role, to: role }, now),
      ],
    };
  }, (err) => (err.has(RolePart.assign) ? new ValidationError('Unknown role.', { role: `no role "${role}" in this workspace` }, 'unknown_role') : undefined));
  return viewMember(member);
}

/** A suspended member keeps the seat; access.ts refuses them on their very next request. */
export async function suspendMember(access: Access, workspaceId: string, userId: string): Promise<MemberView> {
  const member = await changeMember(workspaceId, userId, (m, now) => {
    if (m.role === 'owner') throw new ConflictError('owner_cannot_be_suspended', 'The owner cannot be suspended; transfer ownership first.');
    if (userId === callerId(access)) throw new ConflictError('cannot_suspend_self', 'You cannot suspend yourself.');
    if (m.status !== 'active') throw notActive(m);
    const next: Member = { ...m, status: 'suspended', suspendedAt: now, updatedAt: now };
    return {
      next,
      parts: [replaceMemberPart(next), auditPart(workspaceId, access.actor, 'member.suspended', memberTarget(userId), {}, now)],
    };
  });
  return viewMember(member);
}

/** Lifting a suspension, reactivating and restoring give a role's access back: the caller must hold that role (authority.ts). */
export async function unsuspendMember(access: Access, workspaceId: string, userId: string): Promise<MemberView> {
  const member = await changeMember(workspaceId, userId, async (m, now) => {
    if (m.status !== 'suspended') {
      throw new ConflictError('member_not_suspended', `Only a suspended member can be unsuspended; this one is ${m.status}.`, { status: m.status });
    }
    await assertMayGiveBackRole(access, workspaceId, m.role);
    const { suspendedAt: _lifted, ...rest } = m;
    const next: Member = { ...rest, status: 'active', updatedAt: now };
    return {
      next,
      parts: [replaceMemberPart(next), auditPart(workspaceId, access.actor, 'member.unsuspended', memberTarget(userId), {}, now)],
    };
  });
  return viewMember(member);
}

/** Deactivated members (reconciliation) hold no seat; coming back takes one, atomically. */
export async function reactivateMember(access: Access, workspaceId: string, userId: string): Promise<MemberView> {
  const member = await changeMember(workspaceId, userId, async (m, now) => {
    if (m.status !== 'deactivated') {
      throw new ConflictError('member_not_deactivated', `Only a deactivated member can be reactivated; this one is ${m.status}.`, { status: m.status });
    }
    await assertMayGiveBackRole(access, workspaceId, m.role);
    const { deactivatedAt: _ended, ...rest } = m;
    const next: Member = { ...rest, status: 'active', updatedAt: now };
    return {
      next,
      parts: [
        replaceMemberPart(next),
        takeSeatPart(workspaceId, now),
        auditPart(workspaceId, access.actor, 'member.reactivated', memberTarget(userId), {}, now),
      ],
    };
  }, seatConflict);
  return viewMember(member);
}

/** The heir of a removed member's assets must be someone else who can use them. */
async function assertHeir(workspaceId: string, userId: string, reassignTo: string | undefined): Promise<void> {
  if (reassignTo === undefined) return;
  const invalid = (reason: string) => new UnprocessableError('invalid_reassign_target', `reassignTo ${reason}.`, { reassignTo });
  if (reassignTo === userId) throw invalid('must be another member than the one removed');
  const heir = await getMember(workspaceId, reassignTo, clock.nowEpochSeconds());
  if (!heir || heir.status !== 'active') throw invalid('must be an active member of this workspace');
}

/**
 * Remove a member, or leave when callers remove themselves. The record stays for
 * the window (TTL = purgeAt), still counting toward its custom role so that role
 * cannot vanish before a restore. Removing an already removed member changes
 * nothing and finishes the asset step again (idempotent DELETE).
 */
export async function removeMember(
  access: Access, workspaceId: string, userId: string, reassignTo: string | undefined,
): Promise<{ member: MemberView; assets: AssetOutcome }> {
  const leaving = userId === callerId(access);
  if (!leaving) assertMayManage(access);
  await assertHeir(workspaceId, userId, reassignTo);
  const member = await changeMember(workspaceId, userId, (m, now) => {
    if (m.role === 'owner') throw new ConflictError('owner_cannot_be_removed', 'The owner cannot be removed; transfer ownership first.');
    if (m.status === 'removed') return undefined;
    const purgeAt = addSeconds(now, REMOVAL_WINDOW_SECONDS);
    const next: Member = {
      ...m, status: 'removed', removedAt: now, purgeAt, beforeRemoval: { status: m.status, role: m.role }, updatedAt: now,
    };
    return {
      next,
      parts: [
        replaceMemberPart(next),
        ...(holdsSeat(m.status) ? [releaseSeatPart(workspaceId, now)] : []),
        auditPart(workspaceId, access.actor, leaving ? 'member.left' : 'member.removed', memberTarget(userId), {
          previousStatus: m.status, role: m.role, purgeAt, ...(reassignTo ? { reassignTo } : {}),
        }, now),
      ],
    };
  });
  const assets = await reassignOrOrphanOwnedIntegrations(workspaceId, userId, reassignTo, access.actor);
  return { member: viewMember(member), assets };
}

/** Back to the status, role and joinedAt held before removal, within the window only. */
export async function restoreMember(
  access: Access, workspaceId: string, userId: string,
): Promise<{ member: MemberView; assets: { restored: string[] } }> {
  const member = await changeMember(workspaceId, userId, async (m, now, nowEpoch) => {
    if (m.status !== 'removed') {
      throw new ConflictError('member_not_removed', `Only a removed member can be restored; this one is ${m.status}.`, { status: m.status });
    }
    const { removedAt: _r, purgeAt: _p, beforeRemoval, ...rest } = m;
    // Removals always record the prior state; a record without it held no seat to give back.
    const before = beforeRemoval ?? { status: 'deactivated' as const, role: m.role };
    await assertMayGiveBackRole(access, workspaceId, before.role);
    const next: Member = { ...rest, status: before.status, role: before.role, updatedAt: now };
    return {
      next,
      parts: [
        replaceMemberPart(next, MemberPart.member, { aliveAt: nowEpoch }),
        ...(holdsSeat(before.status) ? [takeSeatPart(workspaceId, now)] : []),
        auditPart(workspaceId, access.actor, 'member.restored', memberTarget(userId), { status: before.status, role: before.role }, now),
      ],
    };
  }, seatConflict);
  const restored = await restoreOrphanedIntegrations(workspaceId, userId, access.actor);
  return { member: viewMember(member), assets: { restored } };
}

/** Purge a removed member now instead of at the end of the window. */
export async function purgeMemberNow(
  access: Access, workspaceId: string, userId: string,
): Promise<{ userId: string; purged: true; assets: { purged: number } }> {
  assertMayManage(access);
  await retryOnConflict(async () => {
    const m = await getMember(workspaceId, userId, clock.nowEpochSeconds());
    if (!m) throw notFound();
    if (m.status !== 'removed') {
      throw new ConflictError('member_not_removed', 'Only a removed member can be purged; remove the member first.', { status: m.status });
    }
    await transact([
      deleteMemberPart(m),
      ...roleAssignmentParts(workspaceId, m.role, undefined),
      auditPart(workspaceId, access.actor, 'member.purged', memberTarget(userId), { reason: 'requested', removedAt: m.removedAt }),
    ]);
  });
  return { userId, purged: true, assets: { purged: await purgeOrphanedIntegrations(workspaceId, userId) } };
}

/**
 * DynamoDB's TTL deleted a removed member's record at the end of the window (the
 * stream delivers the old image): purge what the member left behind.
 */
export async function purgeExpiredMember(oldImage: Record<string, unknown>): Promise<void> {
  const m = toMember(oldImage);
  if (m.status !== 'removed') return;
  const purged = await purgeOrphanedIntegrations(m.workspaceId, m.userId);
  await transact([
    ...roleAssignmentParts(m.workspaceId, m.role, undefined),
    auditPart(m.workspaceId, SYSTEM_ACTOR, 'member.purged', memberTarget(m.userId), {
      reason: 'removal_window_ended', removedAt: m.removedAt, purgeAt: m.purgeAt, integrationsPurged: purged,
    }),
  ]);
}
