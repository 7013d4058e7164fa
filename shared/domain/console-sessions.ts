/**
 * The Console's sessions (API.md "Console session"): the same sessions as everyone's
 * — an access token and a rotating refresh token — whose refresh token the HTTP layer
 * keeps in a cookie. The rules here speak the contract's error shape, not OAuth's:
 * a bad code is `400 invalid_grant`; a dead session is `401 unauthenticated`.
 */
import { clock } from '../clock.js';
import { config } from '../config.js';
import { AppError, OAuthError, UnauthenticatedError } from '../errors.js';
import { hashToken } from '../auth/secrets.js';
import { getRefreshToken, revokeFamily } from '../data/refresh-tokens.js';
import { getUser } from '../data/users.js';
import { exchangeCode } from './handoff.js';
import { refreshSession, type Session } from './sessions.js';

/** Exchange a hand-off code issued for the Console's own callback. */
export async function startConsoleSession(code: string, codeVerifier: string): Promise<Session> {
  try {
    return await exchangeCode({ code, codeVerifier, redirectUri: config.consoleCallbackUri });
  } catch (err) {
    if (err instanceof OAuthError) throw new AppError(400, 'invalid_grant', err.description);
    throw err;
  }
}

/** Rotate the cookie's refresh token: a reused one revokes the session (refreshSession). People only. */
export async function refreshConsoleSession(refreshToken: string | undefined): Promise<Session> {
  if (!refreshToken) throw new UnauthenticatedError('No Console session: sign in.');
  try {
    return await refreshSession(refreshToken, async (s) => s.type === 'user' && (await getUser(s.id)) !== undefined);
  } catch (err) {
    if (err instanceof OAuthError) throw new UnauthenticatedError('The Console session has ended: sign in again.');
    throw err;
  }
}

/** Sign out: revoke the session the cookie belongs to. Unknown or missing tokens change nothing. */
export async function endConsoleSession(refreshToken: string | undefined): Promise<void> {
  if (!refreshToken) return;
  const token = await getRefreshToken(await hashToken(refreshToken));
  if (token?.subject.type === 'user') await revokeFamily(token.familyId, clock.nowIso());
}
