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
import { emailPart } from './events.js';
import { startSession, type Session } from './sessions.js';

/** Always succeeds silently for unknown emails (no enumeration); rate limited per email. */
export async function requestSignInLink(email: string, fullName: string | undefined): Promise<void> {
  const wait = await hit(`signin:${email}`, config.signInLinksPerEmailPerHour, 3600, clock.nowEpochSeconds());
  if (wait > 0) throw new RateLimitedError(wait);
  if (!config.openSignUp && !(await getUserByEmail(email))) return;

  const token = newToken();
  const now = clock.nowIso();
  await transact([
    putSignInLinkPart(await hashToken(token), {
      email, fullName, createdAt: now, expiresAt: addSeconds(now, config.signInLinkTtlSeconds),
    }),
    emailPart('sign-in-link', email, { token }),
  ]);
}

/** Use a link: signs the user in, creating them first when the email is new. */
export async function signInWithLink(token: string): Promise<{ user: User; session: Session; created: boolean }> {
  const link = await consumeSignInLink(await hashToken(token), clock.nowIso());
  if (!link) throw new NotFoundError('This sign-in link is invalid, used or expired.', 'sign_in_link_invalid');
  let user = await getUserByEmail(link.email);
  let created = false;
  if (!user) {
    const now = clock.nowIso();
    const fallbackName = link.email.split('@')[0]!;
    ({ user, created } = await createUserOrGetExisting({
      id: newId('usr'), email: link.email, fullName: link.fullName ?? fallbackName, createdAt: now, updatedAt: now,
    }));
  }
  const session = await startSession({ type: 'user', userId: user.id });
  return { user, session, created };
}
