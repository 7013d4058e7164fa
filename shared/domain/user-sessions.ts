/**
 * A person's sessions (API.md "Sessions"): each is a refresh-token family. Listing
 * them, ending one, ending all ("sign out everywhere"), and the check that ends an
 * access token of an ended session within the contract's 60 s.
 *
 * Access tokens name their session (`sid`). Each request of a person checks that the
 * session is still live; a live answer is remembered for at most LIVE_FOR_MS of the
 * service clock per process, so an ended session's tokens stop working within that
 * (and at once in the process that ended it), at one eventually consistent GetItem
 * per session per half-minute instead of one per request.
 */
import { clock } from '../clock.js';
import { NotFoundError, UnauthenticatedError } from '../errors.js';
import { decodeCursor, encodeCursor, type Page } from '../data/core.js';
import { getFamily, listLiveFamiliesOf, revokeFamiliesOf, revokeFamily } from '../data/refresh-tokens.js';

export const LIVE_FOR_MS = 30_000;
const MAX_REMEMBERED = 10_000;
const ENDED = -1;
/** sessionId → service time it was last seen live (ms), or ENDED. */
const remembered = new Map<string, number>();

function remember(sessionId: string, value: number): void {
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(sessionId, value);
}

/** Throws 401 unless the session exists, belongs to `userId` and is not revoked. */
export async function assertSessionLive(userId: string, sessionId: string | undefined): Promise<void> {
  const ended = () => new UnauthenticatedError('This session has been signed out.');
  if (!sessionId) throw ended();
  const now = clock.nowMs();
  const seen = remembered.get(sessionId);
  if (seen === ENDED) throw ended();
  if (seen !== undefined && seen <= now && now - seen < LIVE_FOR_MS) return;
  const family = await getFamily(sessionId, clock.nowEpochSeconds());
  if (!family || family.revoked || family.subject.type !== 'user' || family.subject.id !== userId) {
    remember(sessionId, ENDED);
    throw ended();
  }
  remember(sessionId, now);
}

export interface UserSession {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  current: boolean;
}

/** Newest first; a page may hold fewer than `limit` (ended sessions are skipped, not counted). */
export async function listSessions(userId: string, currentSessionId: string | undefined, limit: number, cursor?: string): Promise<Page<UserSession>> {
  const scope = `sessions:${userId}`;
  const { items, lastKey } = await listLiveFamiliesOf(userId, limit, await decodeCursor(scope, cursor), clock.nowEpochSeconds());
  return {
    items: items.map((f) => ({
      id: f.familyId, createdAt: f.createdAt, lastUsedAt: f.lastUsedAt ?? f.createdAt, userAgent: f.userAgent ?? null, current: f.familyId === currentSessionId,
    })),
    nextCursor: await encodeCursor(scope, lastKey),
  };
}

/** End one of your own sessions (yours only: anyone else's is 404, like an unknown id). */
export async function revokeSession(userId: string, sessionId: string): Promise<void> {
  const family = await getFamily(sessionId, clock.nowEpochSeconds(), true);
  if (!family || family.revoked || family.subject.type !== 'user' || family.subject.id !== userId) {
    throw new NotFoundError('Session not found.', 'session_not_found');
  }
  await revokeFamily(sessionId, clock.nowIso());
  remember(sessionId, ENDED);
}

/** "Sign out everywhere": every session of the person, this one included. */
export async function revokeAllSessions(userId: string): Promise<{ revoked: number }> {
  return { revoked: await revokeFamiliesOf(userId, clock.nowIso()) };
}
