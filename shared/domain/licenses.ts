/**
 * Seat licences: when a workspace holds more seats than its licences, the most
 * recently added seat holders are deactivated (seed 003), never the owner.
 *
 * Cost follows the change, not the size: over-limit workspaces come from a sparse
 * index, the candidates from the seat-holder index read newest first with
 * Limit = excess, and the admins to notify from their own small index.
 */
import { clock } from '../clock.js';
import { NotFoundError } from '../errors.js';
import { logger } from '../logger.js';
import { transact, TransactionConflict, type Item } from '../data/core.js';
import { activeAdmins, getMember, holdsSeat, newestSeatHolders, replaceMemberPart } from '../data/members.js';
import { clearOverLimitEntry, getSeatState, overLimitWorkspaceIds, releaseExcessSeatPart, type Workspace } from '../data/workspaces.js';
import { auditPart, emailPart } from './events.js';
import type { Actor } from './access.js';

export interface ReconciliationResult {
  deactivated: string[];
  seats: { limit: number; used: number };
}

export interface ReconciliationSummary {
  workspaces: number;
  deactivated: number;
  failed: number;
}

export const RECONCILIATION_ACTOR: Actor = { type: 'system', id: 'license-reconciliation' };

/**
 * Asked before each deactivation (and, in the job, before each workspace): `true` means
 * the caller's time is nearly up. The run then stops cleanly — everything done so far is
 * committed, the admins are emailed about it, and the workspace stays listed over its
 * limit so the next scheduled run finishes the work.
 */
export type StopSignal = () => boolean;
const never: StopSignal = () => false;

/**
 * Passes in a row that may end without a deactivation (the index lagging behind,
 * or a concurrent writer winning every race) before the run leaves the workspace
 * listed for the next one.
 */
const MAX_IDLE_PASSES = 5;
/** A transaction holds at most 100 items. */
const OUTBOX_CHUNK = 100;
const NAMES_IN_EMAIL = 50;

/**
 * Deactivate the newest seat holders until the workspace is within its limit.
 *
 * Each deactivation is one transaction: the member (version-guarded), one seat
 * released only while the workspace is still over its limit, the audit event and
 * the member's email. That condition is what makes overlapping runs safe — all
 * of them together can free exactly the excess — and a second run idempotent.
 */
export async function reconcileWorkspace(workspaceId: string, actor: Actor, shouldStop: StopSignal = never): Promise<ReconciliationResult> {
  const run: Run = { deactivated: [], shouldStop };
  try {
    const seats = await deactivateExcess(workspaceId, actor, run);
    return { deactivated: run.deactivated.map((d) => d.userId), seats };
  } finally {
    // Also after a failure part-way: the admins hear about every deactivation that did happen.
    if (run.workspace && run.deactivated.length > 0) await notifyAdmins(run.workspace, run.deactivated.map((d) => d.fullName));
  }
}

interface Run {
  workspace?: Workspace;
  deactivated: { userId: string; fullName: string }[];
  shouldStop: StopSignal;
}

async function deactivateExcess(workspaceId: string, actor: Actor, run: Run): Promise<ReconciliationResult['seats']> {
  // Seat-index entries the consistent read showed are no longer seat holders (the index lags).
  const stale = new Set<string>();
  let idlePasses = 0;
  for (;;) {
    const state = await getSeatState(workspaceId);
    if (!state) throw new NotFoundError('Workspace not found.');
    const ws = (run.workspace = state.workspace);
    const excess = ws.seatsUsed - ws.seatLimit;
    if (excess <= 0) {
      if (!state.listedOverLimit || (await clearOverLimitEntry(workspaceId))) return { limit: ws.seatLimit, used: ws.seatsUsed };
      continue;
    }
    if (idlePasses >= MAX_IDLE_PASSES) {
      logger.warn('license reconciliation left a workspace over its limit', { workspaceId, excess });
      return { limit: ws.seatLimit, used: ws.seatsUsed };
    }
    const candidates = (await newestSeatHolders(workspaceId, excess + stale.size)).filter((c) => !stale.has(c.userId)).slice(0, excess);
    let progressed = false;
    for (const candidate of candidates) {
      if (run.shouldStop()) {
        const after = (await getSeatState(workspaceId))?.workspace ?? ws;
        logger.warn('license reconciliation stopped before its deadline; the scheduled job finishes it', {
          workspaceId, deactivated: run.deactivated.length, excess: after.seatsUsed - after.seatLimit,
        });
        return { limit: after.seatLimit, used: after.seatsUsed };
      }
      const now = clock.nowIso();
      const member = await getMember(workspaceId, candidate.userId, clock.nowEpochSeconds());
      if (!member || !holdsSeat(member.status) || member.role === 'owner') {
        stale.add(candidate.userId);
        continue;
      }
      try {
        await transact([
          replaceMemberPart({ ...member, status: 'deactivated', deactivatedAt: now, suspendedAt: undefined, updatedAt: now }),
          releaseExcessSeatPart(workspaceId, now),
          auditPart(workspaceId, actor, 'member.deactivated', { type: 'member', id: member.userId }, {
            reason: 'seat_limit', seatLimit: ws.seatLimit, previousStatus: member.status, joinedAt: member.joinedAt,
          }, now),
          emailPart('member-deactivated', member.email, { workspaceName: ws.name }),
        ]);
        run.deactivated.push({ userId: member.userId, fullName: member.fullName });
        progressed = true;
      } catch (err) {
        // The member or the seat count changed under us (another run, an admin): start over from fresh reads.
        if (err instanceof TransactionConflict) break;
        throw err;
      }
    }
    idlePasses = progressed ? 0 : idlePasses + 1;
    // Give a lagging index or a competing writer a moment before reading again.
    if (idlePasses > 0) await new Promise((resolve) => setTimeout(resolve, 50 * idlePasses));
  }
}

/**
 * One summary per run to each active owner and admin. It names the first members
 * this run deactivated and counts them all, so the message stays small.
 */
async function notifyAdmins(ws: Workspace, names: string[]): Promise<void> {
  const admins = await activeAdmins(ws.id);
  const data = { workspaceId: ws.id, workspaceName: ws.name, seatLimit: ws.seatLimit, members: names.slice(0, NAMES_IN_EMAIL), total: names.length };
  const parts = admins.map((a) => emailPart('admin-members-deactivated', a.email, data));
  for (let i = 0; i < parts.length; i += OUTBOX_CHUNK) await transact(parts.slice(i, i + OUTBOX_CHUNK));
}

/**
 * The scheduled job: reconcile every workspace listed in the over-limit index.
 * Workspaces within their limit are never read; one failing workspace does not
 * stop the others (it stays listed, so the next run retries it).
 */
export async function reconcileOverLimitWorkspaces(shouldStop: StopSignal = never): Promise<ReconciliationSummary> {
  const summary: ReconciliationSummary = { workspaces: 0, deactivated: 0, failed: 0 };
  let startKey: Item | undefined;
  do {
    const page = await overLimitWorkspaceIds(startKey);
    for (const id of page.ids) {
      // The workspaces not reached stay listed: the next run starts with them.
      if (shouldStop()) {
        logger.warn('license reconciliation stopped before its deadline', { ...summary });
        return summary;
      }
      summary.workspaces += 1;
      try {
        summary.deactivated += (await reconcileWorkspace(id, RECONCILIATION_ACTOR, shouldStop)).deactivated.length;
      } catch (err) {
        summary.failed += 1;
        logger.error('license reconciliation failed for a workspace', { workspaceId: id, error: (err as Error).message });
      }
    }
    startKey = page.next;
  } while (startKey);
  logger.info('license reconciliation finished', { ...summary });
  return summary;
}
