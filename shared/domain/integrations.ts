/**
 * Integrations and their sharing (seed 000: "Specify Owners" / "Specify Users").
 *
 * Who sees what: callers with `integrations.manage_all` (and application users with
 * `integrations:read`) see every active integration of the workspace; everyone else
 * sees those they own or use. An integration the caller cannot see answers 404, one
 * they can see but not change answers 403. Orphaned integrations answer 404 to all.
 */
import { clock } from '../clock.js';
import { newId } from '../ids.js';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../errors.js';
import { retryOnConflict, transact, type Page, type TxPart } from '../data/core.js';
import {
  deleteGrantPart, deleteGrants, deleteIntegrationPart, getIntegration, listActiveIntegrations, listIntegrationsOfUser,
  putGrantPart, putIntegrationPart, replaceIntegrationPart, type GrantRole, type Integration,
} from '../data/integrations.js';
import { activeMemberCheckPart } from '../data/members.js';
import { getUser } from '../data/users.js';
import { getAppUser } from '../data/app-users.js';
import { getWorkspace } from '../data/workspaces.js';
import type { Access, Actor } from './access.js';
import { auditPart, emailPart } from './events.js';
import { resolveMemberRefs } from './member-refs.js';

/** A DynamoDB transaction holds at most 100 items. */
export const MAX_TX_ITEMS = 100;

export interface IntegrationView {
  id: string;
  name: string;
  kind: string;
  /** Only for its owners and `integrations.manage_all` (it may hold credentials). */
  config?: Record<string, unknown>;
  owners: string[];
  users: string[];
  status: Integration['status'];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export const viewIntegration = (i: Integration, caller: Caller): IntegrationView => ({
  id: i.id,
  name: i.name,
  kind: i.kind,
  ...(caller.managesAll || roleOf(i, caller.userId) === 'owner' ? { config: i.config } : {}),
  owners: i.owners,
  users: i.users,
  status: i.status,
  createdAt: i.createdAt,
  createdBy: i.createdBy,
  updatedAt: i.updatedAt,
});

/** What the caller may do across all integrations of the workspace, before per-integration roles. */
export interface Caller {
  actor: Actor;
  /** The person calling; absent for application users. */
  userId?: string;
  seesAll: boolean;
  editsAll: boolean;
  sharesAll: boolean;
  /** Holds `integrations.manage_all`: sees every integration's `config`. */
  managesAll: boolean;
}

export function callerOf(access: Access): Caller {
  const managesAll = access.permissions.has('integrations.manage_all');
  if (access.principal.type === 'app') {
    return {
      actor: access.actor,
      managesAll,
      seesAll: access.scopes.has('integrations:read'),
      editsAll: access.scopes.has('integrations:write'),
      sharesAll: access.scopes.has('integrations:share'),
    };
  }
  return { actor: access.actor, userId: access.principal.userId, seesAll: managesAll, editsAll: managesAll, sharesAll: managesAll, managesAll };
}

const roleOf = (i: Integration, userId: string | undefined): GrantRole | undefined => {
  if (!userId) return undefined;
  if (i.owners.includes(userId)) return 'owner';
  return i.users.includes(userId) ? 'user' : undefined;
};

/** 404 unless the caller may see it; 403 if they may see it but not do `action`. */
function authorize(i: Integration | undefined, caller: Caller, action: 'read' | 'edit' | 'share'): Integration {
  if (!i || i.status !== 'active') throw new NotFoundError('Integration not found.');
  const role = roleOf(i, caller.userId);
  if (!caller.seesAll && !role) throw new NotFoundError('Integration not found.');
  const allowed = action === 'read' || role === 'owner' || (action === 'edit' ? caller.editsAll : caller.sharesAll);
  if (!allowed) throw new ForbiddenError(`Only the integration's owners can ${action === 'edit' ? 'change' : 'share'} it.`);
  return i;
}

const target = (id: string) => ({ type: 'integration', id });

export async function createIntegration(
  workspaceId: string,
  caller: Caller,
  input: { name: string; kind?: string; config?: Record<string, unknown> },
): Promise<IntegrationView> {
  const now = clock.nowIso();
  const integration: Integration = {
    id: newId('int'),
    workspaceId,
    name: input.name,
    kind: input.kind ?? 'custom',
    config: input.config ?? {},
    // An application user is not a member, so it cannot own; its integrations get owners by sharing.
    owners: caller.userId ? [caller.userId] : [],
    users: [],
    status: 'active',
    createdAt: now,
    createdBy: caller.actor.id,
    updatedAt: now,
    version: 0,
  };
  await transact([
    putIntegrationPart(integration),
    ...(caller.userId
      ? [putGrantPart({ workspaceId, userId: caller.userId, integrationId: integration.id, as: 'owner', dormant: false }), activeMemberCheckPart(workspaceId, caller.userId)]
      : []),
    auditPart(workspaceId, caller.actor, 'integration.created', target(integration.id), { name: integration.name, kind: integration.kind }, now),
  ]);
  return viewIntegration(integration, caller);
}

export async function listIntegrations(workspaceId: string, caller: Caller, limit: number, cursor: string | undefined): Promise<Page<IntegrationView>> {
  const page = caller.seesAll
    ? await listActiveIntegrations(workspaceId, limit, cursor)
    : caller.userId
      ? await listIntegrationsOfUser(workspaceId, caller.userId, limit, cursor)
      : { items: [], nextCursor: null };
  return { items: page.items.map((i) => viewIntegration(i, caller)), nextCursor: page.nextCursor };
}

export async function getIntegrationFor(workspaceId: string, caller: Caller, integrationId: string): Promise<IntegrationView> {
  return viewIntegration(authorize(await getIntegration(workspaceId, integrationId), caller, 'read'), caller);
}

/** Optimistic read-modify-write: re-read and re-plan when a concurrent change wins the version race. */
async function changeIntegration<T>(
  workspaceId: string,
  integrationId: string,
  plan: (current: Integration | undefined) => Promise<{ parts: TxPart[]; result: T; after?: () => Promise<void> }>,
): Promise<T> {
  return retryOnConflict(async () => {
    const { parts, result, after } = await plan(await getIntegration(workspaceId, integrationId, true));
    await transact(parts);
    await after?.();
    return result;
  });
}

export async function updateIntegration(
  workspaceId: string,
  caller: Caller,
  integrationId: string,
  input: { name?: string; kind?: string; config?: Record<string, unknown> },
): Promise<IntegrationView> {
  return changeIntegration(workspaceId, integrationId, async (current) => {
    const i = authorize(current, caller, 'edit');
    const changed = (Object.keys(input) as (keyof typeof input)[])
      .filter((k) => input[k] !== undefined && JSON.stringify(input[k]) !== JSON.stringify(i[k]));
    if (changed.length === 0) return { parts: [], result: viewIntegration(i, caller) };
    const now = clock.nowIso();
    const next: Integration = { ...i, ...Object.fromEntries(changed.map((k) => [k, input[k]])), updatedAt: now };
    return {
      parts: [
        replaceIntegrationPart(next),
        // Field names only: config may hold credentials.
        auditPart(workspaceId, caller.actor, 'integration.updated', target(i.id), { fields: changed }, now),
      ],
      result: viewIntegration(next, caller),
    };
  });
}

export async function deleteIntegration(workspaceId: string, caller: Caller, integrationId: string): Promise<void> {
  await changeIntegration(workspaceId, integrationId, async (current) => {
    const i = authorize(current, caller, 'edit');
    const holders = [...i.owners, ...i.users];
    const inTx = holders.slice(0, MAX_TX_ITEMS - 2);
    return {
      parts: [
        deleteIntegrationPart(i),
        auditPart(workspaceId, caller.actor, 'integration.deleted', target(i.id), { name: i.name }),
        ...inTx.map((u) => deleteGrantPart(workspaceId, u, i.id)),
      ],
      result: undefined,
      // Grants past one transaction's worth go right after; readers skip grants of a deleted integration.
      after: () => deleteGrants(workspaceId, i.id, holders.slice(inTx.length)),
    };
  });
}

async function sharerName(caller: Caller): Promise<string> {
  if (caller.userId) return (await getUser(caller.userId))?.fullName ?? 'A colleague';
  return (await getAppUser(caller.actor.id))?.name ?? 'An application';
}

/**
 * Replace both sets at once. Entries are emails or user ids of ACTIVE members; a person
 * named in both sets is an owner. Grants, the integration, the audit event and the
 * emails to newly added people commit in one transaction (each new person's membership
 * is re-checked inside it). When the emails do not fit beside the change, they are
 * queued in follow-up transactions right after it.
 */
export async function shareIntegration(
  workspaceId: string,
  caller: Caller,
  integrationId: string,
  input: { owners: string[]; users: string[]; notify?: boolean },
): Promise<IntegrationView> {
  return changeIntegration(workspaceId, integrationId, async (current) => {
    const i = authorize(current, caller, 'share');
    // One resolution for both lists, so every unknown entry is reported in one answer.
    const people = await resolveMemberRefs(workspaceId, [...input.owners, ...input.users]);
    const owners = [...new Set(input.owners.map(people.idOf))];
    const users = [...new Set(input.users.map(people.idOf))].filter((u) => !owners.includes(u));
    const roleAfter = new Map<string, GrantRole>([...users.map((u) => [u, 'user'] as const), ...owners.map((u) => [u, 'owner'] as const)]);

    const added: { userId: string; as: GrantRole }[] = [];
    const changedRole: { userId: string; as: GrantRole }[] = [];
    for (const [userId, as] of roleAfter) {
      const before = roleOf(i, userId);
      if (!before) added.push({ userId, as });
      else if (before !== as) changedRole.push({ userId, as });
    }
    const removed = [...i.owners, ...i.users].filter((u) => !roleAfter.has(u));
    if (added.length === 0 && changedRole.length === 0 && removed.length === 0) return { parts: [], result: viewIntegration(i, caller) };

    const coreItems = 2 + added.length * 2 + changedRole.length + removed.length;
    if (coreItems > MAX_TX_ITEMS) {
      throw new UnprocessableError('sharing_change_too_large', 'Too many people are added or removed at once; split the change into smaller steps.', {
        maxChangedPeople: Math.floor((MAX_TX_ITEMS - 2) / 2),
      });
    }
    const now = clock.nowIso();
    const next: Integration = { ...i, owners, users, updatedAt: now };
    const grant = (userId: string, as: GrantRole) => putGrantPart({ workspaceId, userId, integrationId: i.id, as, dormant: false });
    const core: TxPart[] = [
      replaceIntegrationPart(next),
      ...added.flatMap((a) => [grant(a.userId, a.as), activeMemberCheckPart(workspaceId, a.userId)]),
      ...changedRole.map((c) => grant(c.userId, c.as)),
      ...removed.map((u) => deleteGrantPart(workspaceId, u, i.id)),
      auditPart(workspaceId, caller.actor, 'integration.shared', target(i.id), {
        added, removed, changed: changedRole, notify: input.notify !== false,
      }, now),
    ];

    let emails: TxPart[] = [];
    if (input.notify !== false && added.length > 0) {
      const [workspace, sharedByName] = await Promise.all([getWorkspace(workspaceId), sharerName(caller)]);
      emails = added.map((a) => emailPart('integration-shared', people.members.get(a.userId)!.email, {
        sharedByName, integrationName: i.name, workspaceName: workspace?.name ?? '', workspaceId, integrationId: i.id, as: a.as,
      }));
    }
    const fits = core.length + emails.length <= MAX_TX_ITEMS;
    return {
      parts: fits ? [...core, ...emails] : core,
      result: viewIntegration(next, caller),
      after: fits ? undefined : () => queueInChunks(emails),
    };
  });
}

/** Outbox messages that did not fit beside their change, in transactions of at most 100. */
export async function queueInChunks(parts: TxPart[]): Promise<void> {
  for (let k = 0; k < parts.length; k += MAX_TX_ITEMS) await transact(parts.slice(k, k + MAX_TX_ITEMS));
}
