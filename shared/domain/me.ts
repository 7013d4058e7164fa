/** The signed-in person: profile and workspaces. */
import { clock } from '../clock.js';
import { NotFoundError } from '../errors.js';
import { getUser, updateUserName } from '../data/users.js';
import { getMember, listMembershipsOfUser, replaceMemberPart } from '../data/members.js';
import { getWorkspacesByIds } from '../data/workspaces.js';
import { transact, TransactionConflict } from '../data/core.js';

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
    let m: typeof listed | undefined = listed;
    for (let attempt = 0; m && m.fullName !== fullName; attempt++) {
      try {
        await transact([replaceMemberPart({ ...m, fullName, updatedAt: now })]);
        break;
      } catch (err) {
        // A concurrent change to the membership: re-read it and apply the name again.
        if (!(err instanceof TransactionConflict) || attempt >= 5) throw err;
        m = await getMember(m.workspaceId, userId, clock.nowEpochSeconds());
      }
    }
  }
  return getMe(userId);
}
