/**
 * Handing a signed-in person off to the product that asked (API.md "Browser
 * sessions and hand-off to the host product"): the authorization-code grant with
 * PKCE (RFC 6749 §4.1, RFC 7636 S256). The sign-in link carries where to go; pressing
 * "Sign in" mints a single-use code, valid 60 s and bound to the redirect URI and
 * the PKCE challenge; the product exchanges it, with its verifier, for a session.
 */
import { clock, addSeconds } from '../clock.js';
import { config } from '../config.js';
import { newId } from '../ids.js';
import { OAuthError, ValidationError } from '../errors.js';
import { hashToken, newToken } from '../auth/secrets.js';
import { verifierMatches } from '../auth/pkce.js';
import { putAuthorizationCode, redeemAuthorizationCode, wasReused } from '../data/authorization-codes.js';
import { revokeFamily } from '../data/refresh-tokens.js';
import type { Handoff } from '../data/sign-in-links.js';
import { startSession, type Session } from './sessions.js';

export type { Handoff };

export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
const CODE_PREFIX = 'rac_';

/** Exact string comparison (RFC 9700 §4.1.3): no prefixes, no patterns. The Console's callback is always allowed. */
export function isAllowedRedirectUri(uri: string): boolean {
  return uri === config.consoleCallbackUri || config.allowedRedirectUris.includes(uri);
}

/** 400 invalid_redirect_uri for a redirect URI off the allow-list (sign-in hand-off, invitations). */
export function assertAllowedRedirectUri(uri: string): void {
  if (!isAllowedRedirectUri(uri)) {
    throw new ValidationError('This redirectUri is not on the allow-list.', { redirectUri: 'not allowed' }, 'invalid_redirect_uri');
  }
}

export interface HandoffRequest {
  redirectUri?: string;
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256';
}

/** The hand-off a sign-in link will carry, or none. Throws 400 for a redirect URI off the list or a missing challenge. */
export function handoffFrom(req: HandoffRequest): Handoff | undefined {
  if (req.redirectUri === undefined) {
    if (req.codeChallenge !== undefined || req.state !== undefined || req.codeChallengeMethod !== undefined) {
      throw new ValidationError('state and codeChallenge only make sense with a redirectUri.', { redirectUri: 'required with state or codeChallenge' });
    }
    return undefined;
  }
  assertAllowedRedirectUri(req.redirectUri);
  if (req.codeChallenge === undefined) {
    throw new ValidationError('A codeChallenge (PKCE, S256) is required with a redirectUri.', { codeChallenge: 'required with redirectUri' });
  }
  return { redirectUri: req.redirectUri, codeChallenge: req.codeChallenge, ...(req.state !== undefined ? { state: req.state } : {}) };
}

/**
 * Mint the code for a person who just used a sign-in link, and say where to send the
 * browser: `{redirectUri}?code=…&state=…&iss=…` (`iss`: RFC 9207, so a client talking
 * to several servers can tell which one answered).
 */
export async function handOff(userId: string, handoff: Handoff, userAgent: string | undefined): Promise<string> {
  const code = newToken(CODE_PREFIX);
  const now = clock.nowIso();
  await putAuthorizationCode(await hashToken(code), {
    userId, codeChallenge: handoff.codeChallenge, redirectUri: handoff.redirectUri, userAgent,
    createdAt: now, expiresAt: addSeconds(now, AUTHORIZATION_CODE_TTL_SECONDS),
  });
  const location = new URL(handoff.redirectUri);
  location.searchParams.set('code', code);
  if (handoff.state !== undefined) location.searchParams.set('state', handoff.state);
  location.searchParams.set('iss', config.publicUrl);
  return location.href;
}

export interface CodeExchange {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/**
 * Exchange a code for a session. The code is spent by the first attempt whatever its
 * outcome, so a wrong verifier cannot be retried; a second use of a redeemed code
 * revokes the session the first one started (RFC 6749 §4.1.2). Every failure is
 * `invalid_grant`, with no hint which binding failed.
 *
 * The two uses may race: the second may look for the first one's session before it is
 * written. So the second marks the code reused before it revokes, and the first reads
 * the code again after writing its session. Single-item operations are linearizable:
 * either the first sees the mark (and revokes its own session), or its session was
 * written before the mark, hence before the second's revocation. No order leaves a
 * live session.
 */
export async function exchangeCode(req: CodeExchange): Promise<Session> {
  const invalid = () => new OAuthError('invalid_grant', 'The authorization code is invalid, expired or already used, or does not match this redirect_uri and code_verifier.');
  if (!req.code.startsWith(CODE_PREFIX)) throw invalid();
  const now = clock.nowIso();
  const familyId = newId('fam');
  const codeHash = await hashToken(req.code);
  const r = await redeemAuthorizationCode(codeHash, familyId, now);
  if (r.outcome === 'reused' && r.familyId) await revokeFamily(r.familyId, now);
  if (r.outcome !== 'redeemed') throw invalid();
  if (r.code.redirectUri !== req.redirectUri || !verifierMatches(req.codeVerifier, r.code.codeChallenge)) throw invalid();
  const session = await startSession({ type: 'user', userId: r.code.userId }, { familyId, userAgent: r.code.userAgent });
  if (await wasReused(codeHash)) {
    await revokeFamily(familyId, clock.nowIso());
    throw invalid();
  }
  return session;
}
