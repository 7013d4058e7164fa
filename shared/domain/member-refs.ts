/**
 * "Specify users" inputs: people named by email or by user id, resolved against the
 * memberships of one workspace. Anyone who is not a member in an accepted status is
 * reported back, all at once, as `422 unknown_members` — never silently dropped, and
 * without revealing whether an email has an account elsewhere.
 */
import { clock } from '../clock.js';
import { UnprocessableError } from '../errors.js';
import { findUserIdByEmail } from '../data/users.js';
import { getMembersByIds, type Member, type MemberStatus } from '../data/members.js';

export interface ResolvedMembers {
  /** Distinct user ids in the order first named. */
  userIds: string[];
  members: Map<string, Member>;
  /** The user id a reference named (every reference resolved, or the call threw). */
  idOf(ref: string): string;
}

const LOOKUP_CONCURRENCY = 16;

const isEmailRef = (ref: string) => ref.includes('@');
const normalise = (ref: string) => (isEmailRef(ref) ? ref.trim().toLowerCase() : ref.trim());

async function userIdsForEmails(emails: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < emails.length; i += LOOKUP_CONCURRENCY) {
    const chunk = emails.slice(i, i + LOOKUP_CONCURRENCY);
    const ids = await Promise.all(chunk.map((e) => findUserIdByEmail(e)));
    chunk.forEach((e, j) => { if (ids[j]) found.set(e, ids[j]); });
  }
  return found;
}

/**
 * Resolve every reference (emails compared case-insensitively) to a member of the
 * workspace whose status is one of `statuses` (default: active only).
 */
export async function resolveMemberRefs(
  workspaceId: string,
  refs: string[],
  statuses: readonly MemberStatus[] = ['active'],
): Promise<ResolvedMembers> {
  const wanted = [...new Set(refs.map(normalise))];
  const byEmail = await userIdsForEmails(wanted.filter(isEmailRef));
  const candidateId = (ref: string) => (isEmailRef(ref) ? byEmail.get(ref) : ref);
  const members = await getMembersByIds(
    workspaceId,
    wanted.map(candidateId).filter((id): id is string => id !== undefined),
    clock.nowEpochSeconds(),
  );

  const unknown: string[] = [];
  const userIds: string[] = [];
  for (const ref of wanted) {
    const id = candidateId(ref);
    const member = id ? members.get(id) : undefined;
    if (!member || !statuses.includes(member.status)) unknown.push(ref);
    else if (!userIds.includes(member.userId)) userIds.push(member.userId);
  }
  if (unknown.length > 0) {
    throw new UnprocessableError(
      'unknown_members',
      `${unknown.length} of the people named ${unknown.length === 1 ? 'is' : 'are'} not ${statuses.length === 1 ? `an ${statuses[0]}` : 'a'} member of this workspace.`,
      { unknown },
    );
  }
  return { userIds, members, idOf: (ref) => candidateId(normalise(ref))! };
}
