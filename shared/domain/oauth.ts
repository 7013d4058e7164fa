/**
 * The OAuth 2.0 token endpoint's rules (RFC 6749). Errors are OAuthError, which
 * the HTTP layer renders in §5.2 shape.
 */
import { OAuthError } from '../errors.js';
import { getUser } from '../data/users.js';
import type { RefreshSubject } from '../data/refresh-tokens.js';
import { refreshSession, type Session } from './sessions.js';

export interface TokenRequest {
  grant_type: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
  refresh_token?: string;
}

async function subjectStillAllowed(subject: RefreshSubject): Promise<boolean> {
  if (subject.type === 'user') return (await getUser(subject.id)) !== undefined;
  return false;
}

export async function grantToken(req: TokenRequest): Promise<Session> {
  switch (req.grant_type) {
    case 'refresh_token': {
      if (!req.refresh_token) throw new OAuthError('invalid_request', 'refresh_token is required.');
      return refreshSession(req.refresh_token, subjectStillAllowed);
    }
    default:
      throw new OAuthError('unsupported_grant_type', `The grant type "${req.grant_type}" is not supported.`);
  }
}
