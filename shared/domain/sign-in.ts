/** Passwordless sign-in by single-use email link (API.md "Identities and sign-in"). */
import { clock, addSeconds } from '../clock.js';
import { config } from '../config.js';
import { newId } from '../ids.js';
import { NotFoundError, RateLimitedError } from '../errors.js';
import { hashToken, newToken } from '../auth/secrets.js';
import { consumeSignInLink, putSignInLinkPart } from '../data/sign-in-links.js';
import { createUserOrGetExisting, getUserByEmail, type User } from '../data/users.js';
import { hit } from '../data/rate-limits.js';
import { transact } from '../data/core.js';
import { linkEmailPart } from './events.js';
import { startSession, type Session, type SessionStart } from './sessions.js';
import { handOff, handoffFrom, type HandoffRequest } from './handoff.js';

/**
 * Always succeeds silently for unknown emails (no enumeration); rate limited per email.
 * A hand-off (redirect URI, state, PKCE challenge) is checked first, then travels with
 * the link to the page's button.
 */
export async function requestSignInLink(email: string, fullName: string | undefined, handoffRequest: HandoffRequest = {}): Promise<void> {
  const handoff = handoffFrom(handoffRequest);
  const wait = await hit(`signin:${email}`, config.signInLinksPerEmailPerHour, 3600, clock.nowEpochSeconds());
  if (wait > 0) throw new RateLimitedError(wait);
  if (!config.openSignUp && !(await getUserByEmail(email))) return;

  const token = newToken();
  const now = clock.nowIso();
  await transact([
    putSignInLinkPart(await hashToken(token), {
      email, fullName, createdAt: now, expiresAt: addSeconds(now, config.signInLinkTtlSeconds), handoff,
    }),
    await linkEmailPart('sign-in-link', email, token, { lifetimeSeconds: config.signInLinkTtlSeconds }),
  ]);
}

export type SignInOutcome =
  /** The link carried a hand-off: send the browser to `location` (303), which holds the code. */
  | { kind: 'handoff'; location: string }
  | { kind: 'session'; user: User; session: Session };

/**
 * Use a link (once): the user is created first when the email is new. A link that
 * carries a hand-off yields a code for its redirect URI; any other yields a session.
 */
export async function signInWithLink(token: string, start: SessionStart = {}): Promise<SignInOutcome> {
  const link = await consumeSignInLink(await hashToken(token), clock.nowIso());
  if (!link) throw new NotFoundError('This sign-in link is invalid, used or expired.', 'sign_in_link_invalid');
  let user = await getUserByEmail(link.email);
  if (!user) {
    const now = clock.nowIso();
    const fallbackName = link.email.split('@')[0]!;
    ({ user } = await createUserOrGetExisting({
      id: newId('usr'), email: link.email, fullName: link.fullName ?? fallbackName, createdAt: now, updatedAt: now,
    }));
  }
  if (link.handoff) return { kind: 'handoff', location: await handOff(user.id, link.handoff, start.userAgent) };
  return { kind: 'session', user, session: await startSession({ type: 'user', userId: user.id }, start) };
}
