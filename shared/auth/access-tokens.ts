/**
 * ES256 access tokens (RFC 9068 profile: typ "at+jwt"). Any JWT library can verify
 * them from /.well-known/jwks.json; we verify them in-process with the same key.
 */
import { jwtVerify, errors as joseErrors } from 'jose';
import { randomUUID } from 'node:crypto';
import { config } from '../config.js';
import { clock } from '../clock.js';
import { UnauthenticatedError } from '../errors.js';
import { loadSigner } from './key-material.js';
import type { Scope } from '../scopes.js';

export const AUDIENCE = 'roster';
export const TOKEN_TYPE = 'at+jwt';

export type Principal =
  /** `sessionId`: the refresh-token family the token was issued under (claim `sid`), checked on every request. */
  | { type: 'user'; userId: string; sessionId?: string }
  | { type: 'app'; clientId: string; workspaceId: string; scopes: Scope[]; generation: number };

export interface AccessTokenClaims {
  sub: string;
  client_id?: string;
  ws?: string;
  scope?: string;
  gen?: number;
  sid?: string;
}

export async function issueAccessToken(principal: Principal): Promise<{ accessToken: string; expiresIn: number }> {
  const signer = await loadSigner();
  const now = clock.nowEpochSeconds();
  const expiresIn = principal.type === 'user' ? config.accessTokenTtlSeconds : config.appAccessTokenTtlSeconds;
  const claims = principal.type === 'user'
    ? { sub: principal.userId, ...(principal.sessionId ? { sid: principal.sessionId } : {}) }
    : { sub: principal.clientId, client_id: principal.clientId, ws: principal.workspaceId, scope: principal.scopes.join(' '), gen: principal.generation };
  const accessToken = await signer.sign({
    ...claims,
    iss: config.publicUrl,
    aud: AUDIENCE,
    iat: now,
    nbf: now,
    exp: now + expiresIn,
    jti: randomUUID(),
  }, TOKEN_TYPE);
  return { accessToken, expiresIn };
}

/** Verify signature, algorithm, issuer, audience, type and lifetime; never trusts the token's own header. */
export async function verifyAccessToken(token: string): Promise<Principal> {
  const signer = await loadSigner();
  try {
    const { payload } = await jwtVerify<AccessTokenClaims>(token, signer.verifyKey, {
      algorithms: ['ES256'],
      issuer: config.publicUrl,
      audience: AUDIENCE,
      typ: TOKEN_TYPE,
      currentDate: clock.now(),
      clockTolerance: 5,
    });
    const sub = payload.sub;
    if (typeof sub === 'string' && sub.startsWith('usr_') && !payload.ws) {
      return { type: 'user', userId: sub, ...(typeof payload.sid === 'string' ? { sessionId: payload.sid } : {}) };
    }
    if (typeof sub === 'string' && sub.startsWith('app_') && typeof payload.ws === 'string' && typeof payload.gen === 'number') {
      return {
        type: 'app',
        clientId: sub,
        workspaceId: payload.ws,
        scopes: (payload.scope ?? '').split(' ').filter(Boolean) as Scope[],
        generation: payload.gen,
      };
    }
    throw new UnauthenticatedError('The access token has an unknown subject.');
  } catch (err) {
    if (err instanceof UnauthenticatedError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('The access token has expired.');
    if (err instanceof joseErrors.JOSEError || err instanceof TypeError) throw new UnauthenticatedError('The access token is not valid.');
    throw err;
  }
}

export async function jwks() {
  const signer = await loadSigner();
  return { keys: [signer.publicJwk] };
}
