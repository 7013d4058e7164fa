/**
 * Sessions: an access token plus a rotating refresh token. Used by email sign-in,
 * invitation acceptance, and the OAuth token endpoint.
 */
import { clock, addSeconds } from '../clock.js';
import { config } from '../config.js';
import { newId } from '../ids.js';
import { OAuthError } from '../errors.js';
import { issueAccessToken, type Principal } from '../auth/access-tokens.js';
import { hashToken, newToken } from '../auth/secrets.js';
import {
  createFamily, getRefreshToken, isFamilyRevoked, revokeFamily, rotate, type RefreshSubject,
} from '../data/refresh-tokens.js';
import { TransactionConflict } from '../data/core.js';

export interface Session {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope?: string;
}

const REFRESH_PREFIX = 'rrt_';

const subjectOf = (p: Principal): RefreshSubject =>
  p.type === 'user'
    ? { type: 'user', id: p.userId }
    : { type: 'app', id: p.clientId, workspaceId: p.workspaceId, scope: p.scopes.join(' '), generation: p.generation };

const principalOf = (s: RefreshSubject, familyId: string): Principal =>
  s.type === 'user'
    ? { type: 'user', userId: s.id, sessionId: familyId }
    : { type: 'app', clientId: s.id, workspaceId: s.workspaceId!, scopes: (s.scope ?? '').split(' ').filter(Boolean) as never, generation: s.generation ?? 0 };

async function session(principal: Principal, refreshToken: string): Promise<Session> {
  const { accessToken, expiresIn } = await issueAccessToken(principal);
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
    refresh_token: refreshToken,
    ...(principal.type === 'app' ? { scope: principal.scopes.join(' ') } : {}),
  };
}

/** How a session starts: `familyId` when the caller named it first (an authorization code records it). */
export interface SessionStart {
  familyId?: string;
  /** The browser's User-Agent, shown in the person's session list. */
  userAgent?: string;
}

const MAX_USER_AGENT = 256;

export async function startSession(principal: Principal, start: SessionStart = {}): Promise<Session> {
  const now = clock.nowIso();
  const refreshToken = newToken(REFRESH_PREFIX);
  const expiresAt = addSeconds(now, config.refreshTokenTtlSeconds);
  const familyId = start.familyId ?? newId('fam');
  const named: Principal = principal.type === 'user' ? { ...principal, sessionId: familyId } : principal;
  // Signing needs nothing from the write, so it overlaps the write's round trip; a failed write still fails the call.
  const [, issued] = await Promise.all([
    createFamily(await hashToken(refreshToken), {
      familyId, subject: subjectOf(principal), createdAt: now, expiresAt,
    }, expiresAt, { userAgent: start.userAgent?.slice(0, MAX_USER_AGENT) }),
    session(named, refreshToken),
  ]);
  return issued;
}

/**
 * Exchange a refresh token for a new session. A token works once; presenting a
 * used one revokes its whole family (RFC 9700 §4.14.2). `stillAllowed` lets the
 * caller refuse subjects that lost access (disabled client, new secret).
 * `expected.clientId` is the authenticated client (none for people's tokens: an
 * app's token then needs client authentication); `expected.scopes` narrows the
 * new access token within the family's grant (RFC 6749 §6).
 */
export async function refreshSession(
  refreshToken: string,
  stillAllowed: (subject: RefreshSubject) => Promise<boolean>,
  expected?: { clientId?: string; scopes?: string[] },
): Promise<Session> {
  const invalid = (why: string) => new OAuthError('invalid_grant', why);
  const now = clock.nowIso();
  const oldHash = await hashToken(refreshToken);
  const current = await getRefreshToken(oldHash);
  if (!current || current.expiresAt <= now) throw invalid('The refresh token is invalid or expired.');
  if (current.subject.type === 'app' && expected?.clientId === undefined) {
    throw new OAuthError('invalid_client', 'This refresh token belongs to an application user: authenticate the client.');
  }
  if (expected?.clientId !== undefined && current.subject.id !== expected.clientId) {
    throw invalid('The refresh token was not issued to this client.');
  }
  if (current.usedAt) {
    await revokeFamily(current.familyId, now);
    throw invalid('The refresh token was already used; its session has been revoked.');
  }
  if (await isFamilyRevoked(current.familyId)) throw invalid('The refresh token has been revoked.');
  if (!(await stillAllowed(current.subject))) throw invalid('The refresh token is no longer valid for this subject.');
  const principal = principalOf(current.subject, current.familyId);
  if (expected?.scopes && principal.type === 'app') {
    const granted: readonly string[] = principal.scopes;
    if (expected.scopes.some((s) => !granted.includes(s))) throw new OAuthError('invalid_scope', 'The requested scope exceeds the scope originally granted.');
    principal.scopes = expected.scopes as never;
  }

  const next = newToken(REFRESH_PREFIX);
  try {
    await rotate(oldHash, await hashToken(next), {
      familyId: current.familyId,
      subject: current.subject,
      createdAt: now,
      expiresAt: addSeconds(now, config.refreshTokenTtlSeconds),
    }, now);
  } catch (err) {
    if (err instanceof TransactionConflict) {
      // Lost a race with another use of the same token: that is reuse too.
      await revokeFamily(current.familyId, now);
      throw invalid('The refresh token was already used; its session has been revoked.');
    }
    throw err;
  }
  return session(principal, next);
}
