/** Workspaces: creation with its owner, settings, the seat licence, ownership transfer. */
import { clock } from '../clock.js';
import { config } from '../config.js';
import { newId } from '../ids.js';
import { ConflictError, NotFoundError, RateLimitedError, ValidationError } from '../errors.js';
import { retryOnConflict, transact, TransactionConflict, type TxPart } from '../data/core.js';
import { getUser } from '../data/users.js';
import { hitPart, retryAfter } from '../data/rate-limits.js';
import { getWorkspace, putWorkspacePart, replaceWorkspacePart, WorkspacePart, type Workspace } from '../data/workspaces.js';
import { getMember, MemberPart, putMemberPart, replaceMemberPart, type Member } from '../data/members.js';
import { customRoleExistsPart, RolePart } from '../data/roles.js';
import { auditPart } from './events.js';
import { isBuiltInRole } from './permissions.js';
import { roleAssignmentParts } from './roles.js';
import { assertMayAssignRole } from './authority.js';
import type { Access, Actor } from './access.js';

export interface WorkspaceView {
  id: string;
  name: string;
  defaultRole: string;
  seats: { limit: number; used: number };
  ownerId: string;
  createdAt: string;
}

export const viewWorkspace = (w: Workspace): WorkspaceView => ({
  id: w.id,
  name: w.name,
  defaultRole: w.defaultRole,
  seats: { limit: w.seatLimit, used: w.seatsUsed },
  ownerId: w.ownerId,
  createdAt: w.createdAt,
});

const DAY = 24 * 3600;

/**
 * Each workspace brings its own daily invitation budget, so creation itself is
 * limited per user and day. The counter is a part of the creating transaction:
 * the limit holds under concurrency, and a creation that fails costs nothing.
 */
export async function createWorkspace(userId: string, input: { name: string; seats?: number }): Promise<WorkspaceView> {
  const user = await getUser(userId);
  if (!user) throw new NotFoundError('User not found.');
  const now = clock.nowIso();
  const nowEpoch = clock.nowEpochSeconds();
  const budget = hitPart(`workspaces:${userId}`, config.workspacesPerUserPerDay, DAY, nowEpoch);
  const ws: Workspace = {
    id: newId('ws'), name: input.name, defaultRole: 'contributor',
    seatLimit: input.seats ?? config.defaultSeats, seatsUsed: 1, ownerId: userId,
    createdAt: now, updatedAt: now, version: 0,
  };
  const owner: Member = {
    workspaceId: ws.id, userId, email: user.email, fullName: user.fullName, role: 'owner', status: 'active',
    joinedAt: now, updatedAt: now, version: 0,
  };
  const actor: Actor = { type: 'user', id: userId };
  try {
    await transact([
      budget,
      putWorkspacePart(ws),
      putMemberPart(owner),
      auditPart(ws.id, actor, 'workspace.created', { type: 'workspace', id: ws.id }, { name: ws.name, seats: ws.seatLimit }, now),
    ]);
  } catch (err) {
    if (err instanceof TransactionConflict && err.has(budget.name)) throw new RateLimitedError(retryAfter(DAY, nowEpoch));
    throw err;
  }
  return viewWorkspace(ws);
}

export async function requireWorkspace(workspaceId: string, consistent = false): Promise<Workspace> {
  const ws = await getWorkspace(workspaceId, consistent);
  if (!ws) throw new NotFoundError('Workspace not found.');
  return ws;
}

/** Optimistic read-modify-write of the workspace item, retried on a concurrent change. */
export async function updateWorkspaceWith(
  workspaceId: string,
  change: (w: Workspace) => { next: Workspace; parts?: TxPart[] } | undefined,
): Promise<Workspace> {
  return retryOnConflict(async () => {
    const current = await requireWorkspace(workspaceId, true);
    const out = change(current);
    if (!out) return current;
    await transact([replaceWorkspacePart(out.next), ...(out.parts ?? [])]);
    return { ...out.next, version: current.version + 1 };
  }, { retryIf: (err) => err.has(WorkspacePart.workspace) });
}

/** The default role is assigned to whoever is invited without one: setting it is assigning it (authority.ts). */
export async function updateWorkspace(workspaceId: string, access: Access, input: { name?: string; defaultRole?: string }): Promise<WorkspaceView> {
  if (input.defaultRole !== undefined) await assertMayAssignRole(access, workspaceId, input.defaultRole, 'defaultRole');
  const { actor } = access;
  const now = clock.nowIso();
  // A custom default role must still exist when the change lands (a delete may race it).
  const roleStillThere: TxPart[] = input.defaultRole !== undefined && !isBuiltInRole(input.defaultRole)
    ? [customRoleExistsPart(workspaceId, input.defaultRole)]
    : [];
  try {
    const ws = await updateWorkspaceWith(workspaceId, (w) => ({
      next: { ...w, name: input.name ?? w.name, defaultRole: input.defaultRole ?? w.defaultRole, updatedAt: now },
      parts: [...roleStillThere, auditPart(workspaceId, actor, 'workspace.updated', { type: 'workspace', id: workspaceId }, { ...input }, now)],
    }));
    return viewWorkspace(ws);
  } catch (err) {
    if (err instanceof TransactionConflict && err.has(RolePart.role)) {
      throw new ValidationError('Unknown role.', { defaultRole: `no role "${input.defaultRole}" in this workspace` }, 'unknown_role');
    }
    throw err;
  }
}

/**
 * Set the licence count. Lowering it below the seats used is allowed: the workspace
 * then enters the sparse over-limit index that reconciliation reads.
 */
export async function setSeatLimit(workspaceId: string, actor: Actor, seats: number): Promise<WorkspaceView> {
  const now = clock.nowIso();
  const ws = await updateWorkspaceWith(workspaceId, (w) => (w.seatLimit === seats ? undefined : {
    next: { ...w, seatLimit: seats, updatedAt: now },
    parts: [auditPart(workspaceId, actor, 'seats.changed', { type: 'workspace', id: workspaceId }, { from: w.seatLimit, to: seats, used: w.seatsUsed }, now)],
  }));
  return viewWorkspace(ws);
}

/** Exactly one owner at every moment: both memberships and the owner pointer change in one transaction. */
export async function transferOwnership(workspaceId: string, actor: Actor, fromUserId: string, toUserId: string): Promise<WorkspaceView> {
  if (fromUserId === toUserId) throw new ConflictError('already_owner', 'You already own this workspace.');
  const nowEpoch = clock.nowEpochSeconds();
  return retryOnConflict(async () => {
    const [ws, from, to] = await Promise.all([
      requireWorkspace(workspaceId, true),
      getMember(workspaceId, fromUserId, nowEpoch),
      getMember(workspaceId, toUserId, nowEpoch),
    ]);
    if (!from || from.role !== 'owner' || ws.ownerId !== fromUserId) throw new ConflictError('not_owner', 'Only the owner can transfer ownership.');
    if (!to || to.status === 'removed') throw new NotFoundError('Member not found.');
    if (to.status !== 'active') throw new ConflictError('member_not_active', 'The new owner must be an active member.');
    const now = clock.nowIso();
    await transact([
      replaceWorkspacePart({ ...ws, ownerId: toUserId, updatedAt: now }),
      replaceMemberPart({ ...from, role: 'admin', updatedAt: now }, MemberPart.transferFrom),
      replaceMemberPart({ ...to, role: 'owner', updatedAt: now }, MemberPart.transferTo),
      // The new owner stops holding their previous (possibly custom) role.
      ...roleAssignmentParts(workspaceId, to.role, 'owner'),
      auditPart(workspaceId, actor, 'ownership.transferred', { type: 'member', id: toUserId }, { from: fromUserId, to: toUserId }, now),
    ]);
    return viewWorkspace({ ...ws, ownerId: toUserId });
  });
}
