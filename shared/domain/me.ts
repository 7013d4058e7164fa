/** The signed-in person: profile and workspaces. */
import { clock } from '../clock.js';
import { NotFoundError } from '../errors.js';
import { getUser, updateUserName } from '../data/users.js';
import { getMember, listMembershipsOfUser, replaceMemberPart } from '../data/members.js';
import { getWorkspacesByIds } from '../data/workspaces.js';
import { retryOnConflict, transact } from '../data/core.js';

export async function getMe(userId: string) {
  const user = await getUser(userId);
  if (!user) throw new NotFoundError('User not found.');
  const memberships = (await listMembershipsOfUser(userId, clock.nowEpochSeconds())).filter((m) => m.status !== 'removed');
  const names = new Map((await getWorkspacesByIds(memberships.map((m) => m.workspaceId))).map((w) => [w.id, w.name]));
  return {
    user: { id: user.id, email: user.email, fullName: user.fullName },
    workspaces: memberships
      .filter((m) => names.has(m.workspaceId))
      .map((m) => ({ id: m.workspaceId, name: names.get(m.workspaceId)!, role: m.role, status: m.status })),
  };
}

/** Renames the user and the copies of the name kept on their memberships. */
export async function renameMe(userId: string, fullName: string) {
  const now = clock.nowIso();
  const user = await updateUserName(userId, fullName, now);
  if (!user) throw new NotFoundError('User not found.');
  for (const listed of await listMembershipsOfUser(userId, clock.nowEpochSeconds())) {
    // A concurrent change to the membership wins the race: re-read it and apply the name again.
    await retryOnConflict(async (attempt) => {
      const m = attempt === 1 ? listed : await getMember(listed.workspaceId, userId, clock.nowEpochSeconds());
      if (m && m.fullName !== fullName) await transact([replaceMemberPart({ ...m, fullName, updatedAt: now })]);
    });
  }
  return getMe(userId);
}
