/**
 * The OAuth 2.0 token and revocation endpoints' rules (RFC 6749, RFC 7009).
 * Errors are OAuthError, which the HTTP layer renders in §5.2 shape.
 *
 * The client_credentials path is kept to one consistent GetItem (the app user)
 * plus the one transaction that stores the refresh-token family and its first
 * token; the failure counters are touched only when authentication fails.
 */
import { clock } from '../clock.js';
import { OAuthError } from '../errors.js';
import { idPattern } from '../ids.js';
import { hashesEqual, hashToken } from '../auth/secrets.js';
import { getUser } from '../data/users.js';
import { getAppUser, type AppUser } from '../data/app-users.js';
import { getRefreshToken, revokeFamily, type RefreshSubject } from '../data/refresh-tokens.js';
import { hit } from '../data/rate-limits.js';
import { refreshSession, startSession, type Session } from './sessions.js';
import { exchangeCode } from './handoff.js';
import type { Scope } from './permissions.js';

export interface TokenRequest {
  grant_type: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
  refresh_token?: string;
  code?: string;
  redirect_uri?: string;
  code_verifier?: string;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  method: 'client_secret_basic' | 'client_secret_post';
}

/**
 * Failed client authentications are counted per (client id, source) in fixed
 * 60 s windows; past the limit, *failures* answer 429 with Retry-After. The
 * presented secret is still checked first, so the right secret always works:
 * the client id is public (the `sub` of every app token), and knowing it must
 * never be enough to lock the client out. Guessing is no threat that a lockout
 * would have to stop: a secret carries 256 random bits.
 */
export const CLIENT_AUTH_WINDOW_SECONDS = 60;
export const CLIENT_AUTH_FAILURES_PER_SOURCE = 10;

/** A failed client authentication; shared/http/oauth-client.ts adds the Basic challenge for a client that tried Basic. */
const invalidClient = (description: string) => new OAuthError('invalid_client', description, 401);

function slowDown(retryAfterSeconds: number): OAuthError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new OAuthError('slow_down', `Too many failed client authentications; retry in ${seconds} s.`, 429, { 'retry-after': String(seconds) });
}

const present = (s: string | undefined): s is string => s !== undefined && s !== '';

async function countFailure(clientId: string, source: string, nowEpoch: number): Promise<void> {
  const wait = await hit(`client-auth:${clientId}:${source}`, CLIENT_AUTH_FAILURES_PER_SOURCE, CLIENT_AUTH_WINDOW_SECONDS, nowEpoch);
  if (wait > 0) throw slowDown(wait);
}

/** Which secret generation the presented secret belongs to, if any: the current one, or the previous one during its grace period. */
function generationOf(app: AppUser, presentedHash: string, now: string): number | undefined {
  if (hashesEqual(presentedHash, app.secretHash)) return app.generation;
  if (app.previousSecretHash && app.previousSecretExpiresAt && app.previousSecretExpiresAt > now
    && hashesEqual(presentedHash, app.previousSecretHash)) return app.generation - 1;
  return undefined;
}

/**
 * Authenticate an application user. Unknown, disabled and wrong-secret clients are
 * indistinguishable (invalid_client). A token obtained with the previous secret
 * during its grace period carries the previous generation, so it dies with it.
 */
export async function authenticateClient(creds: ClientCredentials, source: string): Promise<{ app: AppUser; generation: number }> {
  const failed = () => invalidClient('Client authentication failed.');
  // Not one of our ids: nothing to look up, and nothing worth a counter item.
  if (!idPattern('app').test(creds.clientId)) throw failed();
  const [app, presentedHash] = await Promise.all([getAppUser(creds.clientId, true), hashToken(creds.clientSecret)]);
  const generation = app?.status === 'active' ? generationOf(app, presentedHash, clock.nowIso()) : undefined;
  if (generation === undefined) {
    await countFailure(creds.clientId, source, clock.nowEpochSeconds());
    throw failed();
  }
  return { app: app!, generation };
}

/** RFC 6749 §3.3: a space-delimited list; absent or empty means everything the client may have. */
function requestedScopes(scope: string | undefined): string[] | undefined {
  const list = (scope ?? '').split(' ').filter(Boolean);
  return list.length ? [...new Set(list)] : undefined;
}

function grantedScopes(scope: string | undefined, allowed: string[]): Scope[] {
  const wanted = requestedScopes(scope);
  if (!wanted) return allowed as Scope[];
  const outside = wanted.filter((s) => !allowed.includes(s));
  if (outside.length) throw new OAuthError('invalid_scope', `Not allowed for this client: ${outside.join(' ')}.`);
  return wanted as Scope[];
}

async function userStillExists(subject: RefreshSubject): Promise<boolean> {
  return subject.type === 'user' && (await getUser(subject.id)) !== undefined;
}

/** An app's refresh-token family lives while its client is enabled and its secret generation is live. */
function appFamilyLive(app: AppUser, subject: RefreshSubject): boolean {
  const now = clock.nowIso();
  return subject.type === 'app' && subject.id === app.clientId && subject.workspaceId === app.workspaceId
    && app.status === 'active' && (
    subject.generation === app.generation
      || (subject.generation === app.generation - 1 && app.previousSecretExpiresAt !== undefined && app.previousSecretExpiresAt > now)
  );
}

export async function grantToken(req: TokenRequest, client: ClientCredentials | undefined, source: string): Promise<Session> {
  switch (req.grant_type) {
    case 'client_credentials': {
      if (!client) throw invalidClient('Client authentication is required (HTTP Basic, or client_id and client_secret).');
      const { app, generation } = await authenticateClient(client, source);
      return startSession({
        type: 'app', clientId: app.clientId, workspaceId: app.workspaceId, scopes: grantedScopes(req.scope, app.scopes), generation,
      });
    }
    case 'refresh_token': {
      if (!present(req.refresh_token)) throw new OAuthError('invalid_request', 'refresh_token is required.');
      if (!client) return refreshSession(req.refresh_token, userStillExists);
      const { app } = await authenticateClient(client, source);
      return refreshSession(req.refresh_token, async (s) => appFamilyLive(app, s), {
        clientId: app.clientId, scopes: requestedScopes(req.scope),
      });
    }
    case 'authorization_code': {
      // Host products are public clients (RFC 6749 §2.1): the code is bound to their redirect URI and PKCE verifier, not to a secret.
      if (client) throw invalidClient('The authorization_code grant takes no client secret: prove possession with code_verifier.');
      if (!present(req.code) || !present(req.redirect_uri) || !present(req.code_verifier)) {
        throw new OAuthError('invalid_request', 'code, redirect_uri and code_verifier are required.');
      }
      return exchangeCode({ code: req.code, redirectUri: req.redirect_uri, codeVerifier: req.code_verifier });
    }
    default:
      throw new OAuthError('unsupported_grant_type', `The grant type "${req.grant_type}" is not supported.`);
  }
}

/**
 * RFC 7009. Refresh tokens: the whole family is revoked. An app's token needs its
 * own client's authentication; a person's may be revoked by whoever holds it.
 * Anything else — unknown strings and access tokens — answers 200 without effect:
 * access tokens are self-contained JWTs that live at most an hour; disabling the
 * app user or resetting its secret is what ends them at once.
 */
export async function revokeToken(token: string, client: ClientCredentials | undefined, source: string): Promise<void> {
  const authenticated = client ? (await authenticateClient(client, source)).app : undefined;
  if (!token.startsWith('rrt_')) return;
  const rt = await getRefreshToken(await hashToken(token));
  if (!rt) return;
  if (rt.subject.type === 'app' && !authenticated) {
    throw invalidClient('This token belongs to an application user: authenticate the client.');
  }
  if (authenticated && rt.subject.id !== authenticated.clientId) {
    throw new OAuthError('invalid_grant', 'The token was not issued to this client.');
  }
  await revokeFamily(rt.familyId, clock.nowIso());
}
