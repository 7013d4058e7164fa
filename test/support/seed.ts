/**
 * Direct data seeding for tests that need many members quickly (bypassing the
 * invitation flow, but through the same data-layer writes and seat counter).
 */
import { clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import { transact } from '../../shared/data/core.js';
import { exampleUser, putUserParts } from '../../shared/data/users.js';
import { exampleMember, putMemberPart, holdsSeat, type MemberStatus } from '../../shared/data/members.js';
import { takeSeatPart } from '../../shared/data/workspaces.js';
import { uniqueEmail } from './harness.js';

export interface SeededMember {
  userId: string;
  email: string;
  fullName: string;
}

/**
 * Create a user and their membership; seat-holding statuses take a seat (and fail
 * like an acceptance would when none is free). With `userId`, the user already
 * exists (e.g. signed in, so the test holds a token) and only the membership is added.
 */
export async function seedMember(
  workspaceId: string,
  opts: { role?: string; status?: MemberStatus; joinedAt?: string; email?: string; fullName?: string; userId?: string } = {},
): Promise<SeededMember> {
  const now = clock.nowIso();
  const email = opts.email ?? uniqueEmail('member');
  const fullName = opts.fullName ?? `Member ${email.split('@')[0]}`;
  const userId = opts.userId ?? newId('usr');
  const status = opts.status ?? 'active';
  const member = exampleMember({
    workspaceId, userId, email, fullName, role: opts.role ?? 'contributor', status,
    joinedAt: opts.joinedAt ?? now, updatedAt: now,
    ...(status === 'deactivated' ? { deactivatedAt: now } : {}),
    ...(status === 'suspended' ? { suspendedAt: now } : {}),
  });
  await transact([
    ...(opts.userId ? [] : putUserParts(exampleUser({ id: userId, email, fullName, createdAt: now, updatedAt: now }))),
    putMemberPart(member),
    ...(holdsSeat(status) ? [takeSeatPart(workspaceId, now)] : []),
  ]);
  return { userId, email, fullName };
}
