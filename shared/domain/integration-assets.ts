/**
 * What happens to a member's integrations when the member is removed, restored or
 * purged (seed 002: assets must be reassigned, or they are lost to everyone,
 * administrators included, until the member is restored).
 *
 * Called by the member lifecycle after the membership change has committed. Each
 * integration changes in its own version-guarded transaction with its audit event,
 * and every step is idempotent, so a retried call finishes what a failed one began.
 *
 *  - Removal: an integration the member SOLELY owns goes to `reassignTo` (when that
 *    person is an active member) or becomes `orphaned`. From every other integration
 *    the member drops out of the owner/user lists at once (so the lists only ever name
 *    people who can use it); the grant stays behind, `dormant`, remembering the role.
 *  - Restore: orphaned integrations come back to the member, and the dormant grants
 *    put the member back into the lists they were in (if the integration still exists).
 *  - Purge: orphaned integrations are deleted; the member's leftover grants go too.
 */
import { clock } from '../clock.js';
import { retryOnConflict, transact, type TxPart } from '../data/core.js';
import { activeMemberCheckPart, getMember } from '../data/members.js';
import {
  allGrantsOfUser, deleteGrantPart, deleteGrants, deleteIntegrationPart,
  getIntegration, putGrantPart, replaceIntegrationPart, type Integration,
} from '../data/integrations.js';
import type { Actor } from './access.js';
import { auditPart, SYSTEM_ACTOR } from './events.js';
import { MAX_TX_ITEMS } from './integrations.js';


const without = (list: string[], userId: string) => list.filter((u) => u !== userId);
const target = (i: Integration) => ({ type: 'integration', id: i.id });

/**
 * Read the integration, let `plan` decide the transaction, write it; on a concurrent
 * change (version guard) read again and re-plan. `plan` returns undefined for "nothing to do".
 */
async function withIntegration(
  workspaceId: string,
  integrationId: string,
  plan: (current: Integration | undefined) => TxPart[] | undefined,
): Promise<boolean> {
  return retryOnConflict(async () => {
    const parts = plan(await getIntegration(workspaceId, integrationId, true));
    if (!parts) return false;
    await transact(parts);
    return true;
  });
}

/** Is `userId` the only owner of an active integration? */
const solelyOwns = (i: Integration, userId: string) => i.status === 'active' && i.owners.length === 1 && i.owners[0] === userId;

export async function reassignOrOrphanOwnedIntegrations(
  workspaceId: string,
  userId: string,
  reassignTo: string | undefined,
  actor: Actor,
): Promise<{ reassigned: string[]; orphaned: string[] }> {
  const reassigned: string[] = [];
  const orphaned: string[] = [];
  const heir = reassignTo && reassignTo !== userId
    ? await getMember(workspaceId, reassignTo, clock.nowEpochSeconds())
    : undefined;
  // Never hand assets to someone who cannot use them: without an active heir they are orphaned (and restorable).
  const heirId = heir?.status === 'active' ? heir.userId : undefined;

  for (const grant of await allGrantsOfUser(workspaceId, userId)) {
    if (grant.dormant) continue;
    let outcome: 'reassigned' | 'orphaned' | 'dropped' | undefined;
    await withIntegration(workspaceId, grant.integrationId, (i) => {
      const now = clock.nowIso();
      if (!i) {
        outcome = undefined;
        return [deleteGrantPart(workspaceId, userId, grant.integrationId)];
      }
      if (solelyOwns(i, userId) && heirId) {
        outcome = 'reassigned';
        return [
          replaceIntegrationPart({ ...i, owners: [heirId], users: without(i.users, heirId), updatedAt: now }),
          deleteGrantPart(workspaceId, userId, i.id),
          putGrantPart({ workspaceId, userId: heirId, integrationId: i.id, as: 'owner', dormant: false }),
          activeMemberCheckPart(workspaceId, heirId),
          auditPart(workspaceId, actor, 'integration.reassigned', target(i), { from: userId, to: heirId }, now),
        ];
      }
      if (solelyOwns(i, userId)) {
        outcome = 'orphaned';
        // The owner list names only people who can use it; the dormant grant remembers whose it was.
        return [
          replaceIntegrationPart({ ...i, status: 'orphaned', orphanedFrom: userId, owners: [], updatedAt: now }),
          putGrantPart({ ...grant, dormant: true }),
          auditPart(workspaceId, actor, 'integration.orphaned', target(i), { from: userId }, now),
        ];
      }
      outcome = 'dropped';
      return [
        replaceIntegrationPart({ ...i, owners: without(i.owners, userId), users: without(i.users, userId), updatedAt: now }),
        putGrantPart({ ...grant, dormant: true }),
        auditPart(workspaceId, actor, 'integration.access_suspended', target(i), { userId, as: grant.as, reason: 'member_removed' }, now),
      ];
    });
    if (outcome === 'reassigned') reassigned.push(grant.integrationId);
    if (outcome === 'orphaned') orphaned.push(grant.integrationId);
  }
  return { reassigned, orphaned };
}

/** Brings back the member's orphaned integrations and their place in shared ones; returns the ids of the formerly orphaned. */
export async function restoreOrphanedIntegrations(workspaceId: string, userId: string, actor: Actor): Promise<string[]> {
  const restored: string[] = [];
  for (const grant of await allGrantsOfUser(workspaceId, userId)) {
    if (!grant.dormant) continue;
    let wasOrphan = false;
    await withIntegration(workspaceId, grant.integrationId, (i) => {
      const now = clock.nowIso();
      if (!i) return [deleteGrantPart(workspaceId, userId, grant.integrationId)];
      const owners = grant.as === 'owner' ? [...without(i.owners, userId), userId] : i.owners;
      const users = owners.includes(userId) ? without(i.users, userId) : [...without(i.users, userId), userId];
      // An owner coming back revives an orphaned integration, whoever it was orphaned from.
      wasOrphan = i.status === 'orphaned' && owners.length > 0;
      return [
        replaceIntegrationPart({ ...i, owners, users, status: wasOrphan ? 'active' : i.status, updatedAt: now }),
        putGrantPart({ ...grant, as: owners.includes(userId) ? 'owner' : 'user', dormant: false }),
        auditPart(workspaceId, actor, wasOrphan ? 'integration.restored' : 'integration.access_restored', target(i),
          { userId, as: owners.includes(userId) ? 'owner' : 'user' }, now),
      ];
    });
    if (wasOrphan) restored.push(grant.integrationId);
  }
  return restored;
}

/** Deletes the member's orphaned integrations (with every grant on them) and the member's other grants; returns how many integrations were deleted. */
export async function purgeOrphanedIntegrations(workspaceId: string, userId: string): Promise<number> {
  let purged = 0;
  for (const grant of await allGrantsOfUser(workspaceId, userId)) {
    let holders: string[] = [];
    const deleted = await withIntegration(workspaceId, grant.integrationId, (i) => {
      const now = clock.nowIso();
      if (!i) return [deleteGrantPart(workspaceId, userId, grant.integrationId)];
      if (i.status === 'orphaned' && i.orphanedFrom === userId) {
        holders = [...new Set([...i.owners, ...i.users, userId])];
        // Grants beyond one transaction are removed right after it; readers skip grants whose integration is gone.
        const inTx = holders.slice(0, MAX_TX_ITEMS - 2);
        return [
          deleteIntegrationPart(i),
          auditPart(workspaceId, SYSTEM_ACTOR, 'integration.purged', target(i), { orphanedFrom: userId }, now),
          ...inTx.map((u) => deleteGrantPart(workspaceId, u, i.id)),
        ];
      }
      holders = [];
      if (!i.owners.includes(userId) && !i.users.includes(userId)) return [deleteGrantPart(workspaceId, userId, i.id)];
      return [
        replaceIntegrationPart({ ...i, owners: without(i.owners, userId), users: without(i.users, userId), updatedAt: now }),
        deleteGrantPart(workspaceId, userId, i.id),
        auditPart(workspaceId, SYSTEM_ACTOR, 'integration.access_removed', target(i), { userId, reason: 'member_purged' }, now),
      ];
    });
    if (deleted && holders.length > 0) {
      purged++;
      await deleteGrants(workspaceId, grant.integrationId, holders.slice(MAX_TX_ITEMS - 2));
    }
  }
  return purged;
}
