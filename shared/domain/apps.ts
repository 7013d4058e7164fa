/**
 * Marketplace apps (seed 004). Global administrators (`apps.install`) install an app
 * for "only me", "me + all users" or "me + specific users". The installer accepts the
 * permissions and is authorized at once; everyone else added starts `pending` until
 * they authorize the app themselves.
 *
 * Effective users are computed when read: only ACTIVE members count (removed,
 * deactivated and suspended members drop out, and come back with their previous
 * status if they return), and an "all" install includes every active member, so
 * people who join later appear as `pending` without any write at join time.
 */
import { randomUUID } from 'node:crypto';
import { catalog, catalogApp, type CatalogApp } from '../catalog.js';
import { clock } from '../clock.js';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from '../errors.js';
import { retryOnConflict, transact, TransactionConflict, type TxPart } from '../data/core.js';
import {
  deleteAssignmentPart, deleteInstallationPart, getAssignment, getAssignmentsOf, getInstallation, installationCheckPart,
  InstallationPart, listAssignments, listInstallations, pageOfAssignments, putAssignmentPart, putInstallationPart, replaceInstallationPart,
  type AppAssignment, type Audience, type Installation,
} from '../data/installations.js';
import { activeMemberCheckPart, getMembersByIds, listMembers, pageOfMembers, type Member, type MemberStatus } from '../data/members.js';
import type { Page } from '../data/core.js';
import { getUser } from '../data/users.js';
import { getWorkspace } from '../data/workspaces.js';
import type { Access } from './access.js';
import { auditPart, emailPart } from './events.js';
import { MAX_TX_ITEMS, queueInChunks } from './integrations.js';
import { resolveMemberRefs } from './member-refs.js';

export interface InstallationUserView {
  userId: string;
  status: 'pending' | 'authorized';
  addedAt: string;
  authorizedAt?: string;
}

export interface InstallationView {
  appId: string;
  name: string;
  audience: Audience;
  installedBy: string;
  installedAt: string;
  users: InstallationUserView[];
}

export const listCatalog = (): readonly CatalogApp[] => catalog;

function requireApp(appId: string): CatalogApp {
  const app = catalogApp(appId);
  if (!app) throw new NotFoundError('No such app in the marketplace.', 'app_not_found');
  return app;
}

async function requireInstallation(workspaceId: string, appId: string): Promise<{ app: CatalogApp; inst: Installation }> {
  const app = requireApp(appId);
  const inst = await getInstallation(workspaceId, appId);
  if (!inst) throw new NotFoundError('This app is not installed in the workspace.', 'app_not_installed');
  return { app, inst };
}

const notSelectable = (app: CatalogApp) =>
  new UnprocessableError('user_selection_not_supported', `${app.name} does not allow choosing specific users; install it for yourself or for all users.`);

async function activeMembers(workspaceId: string): Promise<Member[]> {
  const out: Member[] = [];
  let cursor: string | undefined;
  do {
    const page = await listMembers(workspaceId, { status: 'active', limit: 100, cursor, nowEpoch: clock.nowEpochSeconds() });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** An assignment counts only for this install and for the membership it was made for. */
const current = (inst: Installation, a: AppAssignment | undefined, m: Member | undefined): AppAssignment | undefined =>
  a && m && a.installId === inst.installId && a.memberJoinedAt === m.joinedAt ? a : undefined;

const later = (a: string, b: string) => (a > b ? a : b);

/** Where a person stands with an installation right now. */
type Standing =
  | { kind: 'added'; status: 'pending' | 'authorized'; assignment?: AppAssignment; addedAt: string }
  | { kind: 'not_added' };

function standingOf(inst: Installation, m: Member | undefined, stored: AppAssignment | undefined): Standing {
  if (!m || m.status !== 'active') return { kind: 'not_added' };
  const a = current(inst, stored, m);
  if (a && a.status !== 'excluded') return { kind: 'added', status: a.status, assignment: a, addedAt: a.addedAt };
  if (!a && inst.audience === 'all') return { kind: 'added', status: 'pending', addedAt: later(inst.installedAt, m.joinedAt) };
  return { kind: 'not_added' };
}

async function viewOf(app: CatalogApp, inst: Installation, everyoneActive?: Member[]): Promise<InstallationView> {
  const assignments = await listAssignments(inst.workspaceId, inst.appId);
  const byUser = new Map(assignments.map((a) => [a.userId, a]));
  const members = inst.audience === 'all'
    ? (everyoneActive ?? await activeMembers(inst.workspaceId))
    : [...(await getMembersByIds(inst.workspaceId, assignments.map((a) => a.userId), clock.nowEpochSeconds())).values()];
  const users: InstallationUserView[] = [];
  for (const m of members) {
    const s = standingOf(inst, m, byUser.get(m.userId));
    if (s.kind !== 'added') continue;
    users.push({
      userId: m.userId, status: s.status, addedAt: s.addedAt,
      ...(s.status === 'authorized' && s.assignment?.authorizedAt ? { authorizedAt: s.assignment.authorizedAt } : {}),
    });
  }
  users.sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.userId.localeCompare(b.userId));
  return { appId: inst.appId, name: app.name, audience: inst.audience, installedBy: inst.installedBy, installedAt: inst.installedAt, users };
}

async function fullNameOf(member: Member): Promise<string> {
  return (await getUser(member.userId))?.fullName ?? member.fullName;
}

async function appAddedEmails(workspaceId: string, app: CatalogApp, admin: Member, recipients: Member[]): Promise<TxPart[]> {
  if (recipients.length === 0) return [];
  const [workspace, adminName] = await Promise.all([getWorkspace(workspaceId), fullNameOf(admin)]);
  return recipients.map((m) => emailPart('app-added', m.email, {
    adminName, appName: app.name, workspaceName: workspace?.name ?? '', workspaceId, appId: app.id,
  }));
}

/** Commit the change with its emails when they fit in one transaction; otherwise queue the emails right after it. */
async function commit(core: TxPart[], emails: TxPart[]): Promise<void> {
  if (core.length > MAX_TX_ITEMS) {
    throw new UnprocessableError('too_many_users', 'Too many people are added or removed at once; split the change into smaller steps.', {
      maxUsersPerRequest: Math.floor((MAX_TX_ITEMS - 3) / 2),
    });
  }
  const fits = core.length + emails.length <= MAX_TX_ITEMS;
  await transact(fits ? [...core, ...emails] : core);
  if (!fits) await queueInChunks(emails);
}

/** Optimistic retries; `onConflict` may first turn a specific failed condition into a domain error. */
const retrying = <T>(attemptOnce: () => Promise<T>, onConflict?: (err: TransactionConflict) => void): Promise<T> =>
  retryOnConflict(attemptOnce, { retryIf: (err) => { onConflict?.(err); return true; } });

function installerOf(access: Access): Member {
  if (!access.member) throw new ForbiddenError('Only people can install apps.', 'human_only');
  return access.member;
}

export async function installApp(
  workspaceId: string,
  access: Access,
  appId: string,
  input: { audience: Audience; users?: string[]; notify?: boolean; acceptPermissions: true },
): Promise<InstallationView> {
  const app = requireApp(appId);
  const installer = installerOf(access);
  if (input.audience === 'specific' && !app.allowsUserSelection) throw notSelectable(app);
  if (input.audience !== 'specific' && input.users !== undefined) {
    throw new ValidationError('users are named only with audience "specific".', { users: 'only allowed with audience "specific"' });
  }
  if (input.audience === 'specific' && (input.users ?? []).length === 0) {
    throw new ValidationError('Name the users to add.', { users: 'required with audience "specific"' });
  }

  return retrying(async () => {
    const named = input.audience === 'specific' ? await resolveMemberRefs(workspaceId, input.users ?? []) : undefined;
    const others = (named?.userIds ?? []).filter((u) => u !== installer.userId).map((u) => named!.members.get(u)!);
    const now = clock.nowIso();
    const inst: Installation = {
      workspaceId, appId, installId: randomUUID(), audience: input.audience, installedBy: installer.userId,
      installedAt: now, updatedAt: now, version: 0,
    };
    // Leftovers of an earlier install of the same app are overwritten under their version guard.
    const leftovers = new Map((await listAssignments(workspaceId, appId)).map((a) => [a.userId, a]));
    const put = (m: Member, status: 'pending' | 'authorized') => putAssignmentPart({
      workspaceId, appId, userId: m.userId, installId: inst.installId, status, addedAt: now,
      ...(status === 'authorized' ? { authorizedAt: now } : {}), memberJoinedAt: m.joinedAt,
    }, leftovers.get(m.userId));
    const everyoneActive = input.audience === 'all' ? await activeMembers(workspaceId) : undefined;
    const notified = input.notify ? (everyoneActive ?? others).filter((m) => m.userId !== installer.userId) : [];

    await commit([
      putInstallationPart(inst),
      put(installer, 'authorized'),
      ...others.flatMap((m) => [put(m, 'pending'), activeMemberCheckPart(workspaceId, m.userId)]),
      auditPart(workspaceId, access.actor, 'app.installed', { type: 'app', id: appId }, {
        audience: input.audience, users: others.map((m) => m.userId), notify: input.notify === true, permissions: app.permissions,
      }, now),
    ], await appAddedEmails(workspaceId, app, installer, notified));
    return viewOf(app, inst, everyoneActive);
  }, (err) => {
    if (err.has(InstallationPart.installation)) throw new ConflictError('app_already_installed', `${app.name} is already installed in this workspace.`);
  });
}

export async function listInstallationsOf(workspaceId: string): Promise<{ items: InstallationView[]; nextCursor: null }> {
  const installs = (await listInstallations(workspaceId)).filter((i) => catalogApp(i.appId));
  const everyoneActive = installs.some((i) => i.audience === 'all') ? await activeMembers(workspaceId) : undefined;
  const items = await Promise.all(installs.map((i) => viewOf(catalogApp(i.appId)!, i, everyoneActive)));
  // The catalog is small, so the installations of a workspace always fit one page.
  return { items, nextCursor: null };
}

export async function getInstallationOf(workspaceId: string, appId: string): Promise<InstallationView> {
  const { app, inst } = await requireInstallation(workspaceId, appId);
  return viewOf(app, inst);
}

/**
 * The people of an installation, a bounded page at a time (API.md: `GET …/apps/{appId}/users`):
 * an "all" install walks the active members (each with its assignment, if any); the others walk
 * their assignments (each with its membership). Either way one page reads at most the paged
 * query's budget plus one batch of the other side, whatever the workspace's size; a filtered
 * page may hold fewer than `limit` users, with a cursor. A cursor is good for this install only.
 */
export async function listInstallationUsers(
  workspaceId: string,
  appId: string,
  q: { status?: 'pending' | 'authorized'; limit: number; cursor?: string },
): Promise<Page<InstallationUserView>> {
  const { inst } = await requireInstallation(workspaceId, appId);
  const nowEpoch = clock.nowEpochSeconds();
  const scope = `installation-users:${workspaceId}:${inst.installId}:${q.status ?? ''}`;
  const userOf = (m: Member | undefined, stored: AppAssignment | undefined): InstallationUserView | undefined => {
    const s = standingOf(inst, m, stored);
    if (s.kind !== 'added' || (q.status && s.status !== q.status)) return undefined;
    return {
      userId: m!.userId, status: s.status, addedAt: s.addedAt,
      ...(s.status === 'authorized' && s.assignment?.authorizedAt ? { authorizedAt: s.assignment.authorizedAt } : {}),
    };
  };
  if (inst.audience === 'all') {
    return pageOfMembers(workspaceId, { status: 'active', limit: q.limit, cursor: q.cursor, nowEpoch, scope }, async (members) => {
      const stored = await getAssignmentsOf(workspaceId, appId, members.map((m) => m.userId));
      return members.map((m) => userOf(m, stored.get(m.userId)));
    });
  }
  return pageOfAssignments(workspaceId, appId, { scope, limit: q.limit, cursor: q.cursor }, async (assignments) => {
    const members = await getMembersByIds(workspaceId, assignments.map((a) => a.userId), nowEpoch);
    return assignments.map((a) => userOf(members.get(a.userId), a));
  });
}

const ANY_MEMBER_STATUS: readonly MemberStatus[] = ['active', 'suspended', 'deactivated', 'removed'];

/**
 * "+ Add": add people (pending until they authorize) or take them off. On an "all"
 * install, taking someone off records an exclusion, since membership alone would
 * add them back. The installer stays (uninstall instead).
 */
export async function updateInstallationUsers(
  workspaceId: string,
  access: Access,
  appId: string,
  input: { add?: string[]; remove?: string[]; notify?: boolean },
): Promise<InstallationView> {
  const admin = installerOf(access);
  const app = requireApp(appId);
  const add = input.add ?? [];
  const remove = input.remove ?? [];
  if ((add.length > 0 || remove.length > 0) && !app.allowsUserSelection) throw notSelectable(app);

  return retrying(async () => {
    const { inst } = await requireInstallation(workspaceId, appId);
    const toAdd = add.length > 0 ? await resolveMemberRefs(workspaceId, add) : undefined;
    // People can be taken off whatever their membership status, so stale additions can be cleaned up.
    const toRemove = remove.length > 0 ? await resolveMemberRefs(workspaceId, remove, ANY_MEMBER_STATUS) : undefined;
    const addIds = toAdd?.userIds ?? [];
    const removeIds = toRemove?.userIds ?? [];
    const both = addIds.filter((u) => removeIds.includes(u));
    if (both.length > 0) throw new ValidationError('A person cannot be both added and removed.', { add: `also in remove: ${both.join(', ')}` });
    if (removeIds.includes(inst.installedBy)) {
      throw new ConflictError('installer_cannot_be_removed', 'The administrator who installed the app keeps it; uninstall the app instead.');
    }

    const assignments = new Map((await listAssignments(workspaceId, appId)).map((a) => [a.userId, a]));
    const now = clock.nowIso();
    const parts: TxPart[] = [];
    const added: Member[] = [];
    const removed: string[] = [];
    for (const userId of addIds) {
      const m = toAdd!.members.get(userId)!;
      const stored = assignments.get(userId);
      if (standingOf(inst, m, stored).kind === 'added') continue;
      added.push(m);
      parts.push(
        putAssignmentPart({ workspaceId, appId, userId, installId: inst.installId, status: 'pending', addedAt: now, memberJoinedAt: m.joinedAt }, stored),
        activeMemberCheckPart(workspaceId, userId),
      );
    }
    for (const userId of removeIds) {
      const m = toRemove!.members.get(userId)!;
      const stored = assignments.get(userId);
      const a = current(inst, stored, m);
      if (inst.audience === 'all') {
        if (a?.status === 'excluded') continue;
        parts.push(putAssignmentPart({
          workspaceId, appId, userId, installId: inst.installId, status: 'excluded', addedAt: now, memberJoinedAt: m.joinedAt,
        }, stored));
      } else {
        if (!stored) continue;
        parts.push(deleteAssignmentPart(stored));
        if (!a) continue;
      }
      removed.push(userId);
    }
    if (parts.length === 0) return viewOf(app, inst);

    const othersRemain = inst.audience !== 'all' && [...assignments.values()].some((a) =>
      a.userId !== inst.installedBy && a.installId === inst.installId && a.status !== 'excluded' && !removeIds.includes(a.userId));
    const audience: Audience = inst.audience === 'all' ? 'all' : (othersRemain || added.length > 0 ? 'specific' : 'me');
    const next: Installation = { ...inst, audience, updatedAt: now };
    await commit([
      replaceInstallationPart(next),
      ...parts,
      auditPart(workspaceId, access.actor, 'app.users_changed', { type: 'app', id: appId }, {
        added: added.map((m) => m.userId), removed, notify: input.notify === true,
      }, now),
    ], input.notify ? await appAddedEmails(workspaceId, app, admin, added) : []);
    return viewOf(app, { ...next, version: inst.version + 1 });
  });
}

/** The calling member accepts the app's permissions for themself. */
export async function authorizeApp(workspaceId: string, access: Access, appId: string): Promise<InstallationView> {
  const me = installerOf(access);
  return retrying(async () => {
    const { app, inst } = await requireInstallation(workspaceId, appId);
    const stored = await getAssignment(workspaceId, appId, me.userId);
    const standing = standingOf(inst, me, stored);
    if (standing.kind !== 'added') {
      throw new ForbiddenError(`${app.name} has not been added for you; ask an administrator to add you.`, 'app_not_added');
    }
    if (standing.status === 'authorized') return viewOf(app, inst);
    const now = clock.nowIso();
    await transact([
      installationCheckPart(inst),
      putAssignmentPart({
        workspaceId, appId, userId: me.userId, installId: inst.installId, status: 'authorized',
        addedAt: standing.addedAt, authorizedAt: now, memberJoinedAt: me.joinedAt,
      }, stored),
      auditPart(workspaceId, access.actor, 'app.authorized', { type: 'app', id: appId }, { userId: me.userId, permissions: app.permissions }, now),
    ]);
    return viewOf(app, inst);
  });
}

export async function uninstallApp(workspaceId: string, access: Access, appId: string): Promise<void> {
  await retrying(async () => {
    const { inst } = await requireInstallation(workspaceId, appId);
    await transact([
      deleteInstallationPart(inst),
      auditPart(workspaceId, access.actor, 'app.uninstalled', { type: 'app', id: appId }, { audience: inst.audience }),
    ]);
  });
  await removeStaleAssignments(workspaceId, appId);
}

/**
 * Assignments go after the uninstall commits (there may be more than one transaction
 * holds). Best effort: each delete is version-guarded, so it never touches a newer
 * write, and any leftover is ignored by a later install anyway (different installId).
 */
async function removeStaleAssignments(workspaceId: string, appId: string): Promise<void> {
  const live = (await getInstallation(workspaceId, appId))?.installId;
  const stale = (await listAssignments(workspaceId, appId)).filter((a) => a.installId !== live);
  for (let k = 0; k < stale.length; k += MAX_TX_ITEMS) {
    try {
      await transact(stale.slice(k, k + MAX_TX_ITEMS).map(deleteAssignmentPart));
    } catch (err) {
      if (!(err instanceof TransactionConflict)) throw err;
    }
  }
}
