/**
 * The HTTP side of OAuth client authentication at the token and revocation endpoints: reading
 * HTTP Basic credentials or form fields (RFC 6749 §2.3.1), refusing repeated form parameters
 * (§3.2) and answering a Basic client's failure with the `www-authenticate` challenge (§5.2).
 * Whether the credentials are good is the domain's call (shared/domain/oauth.ts).
 */
import { OAuthError } from '../errors.js';
import type { ClientCredentials } from '../domain/oauth.js';

const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="roster", charset="UTF-8"' };

const invalidBasic = (description: string) => new OAuthError('invalid_client', description, 401, BASIC_CHALLENGE);

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

const present = (s: string | undefined): s is string => s !== undefined && s !== '';

/**
 * The client's credentials, from the Authorization header (Basic) or the body.
 * Undefined when the request carries none (or only a client_id). Using both methods at once is
 * invalid_request (RFC 6749 §2.3); a malformed Basic header is invalid_client.
 */
export function readClientCredentials(
  authorization: string | undefined,
  body: { client_id?: string; client_secret?: string },
): ClientCredentials | undefined {
  if (authorization !== undefined) {
    const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(authorization);
    if (!m) throw invalidBasic('Use HTTP Basic client authentication (or client_id and client_secret in the body).');
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    let clientId: string;
    let clientSecret: string;
    try {
      clientId = formDecode(decoded.slice(0, colon));
      clientSecret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw invalidBasic('The Basic credentials are not valid form-urlencoded text.');
    }
    if (colon < 1 || clientSecret === '') throw invalidBasic('The Basic credentials must be client_id:client_secret.');
    if (present(body.client_secret)) throw new OAuthError('invalid_request', 'Use one client authentication method, not both HTTP Basic and client_secret.');
    if (present(body.client_id) && body.client_id !== clientId) throw new OAuthError('invalid_request', 'client_id in the body differs from the HTTP Basic client.');
    return { clientId, clientSecret, method: 'client_secret_basic' };
  }
  if (present(body.client_secret)) {
    if (!present(body.client_id)) throw new OAuthError('invalid_request', 'client_id is required with client_secret.');
    return { clientId: body.client_id, clientSecret: body.client_secret, method: 'client_secret_post' };
  }
  // client_id alone is a public client (RFC 6749 §2.1: a host product's code and refresh grants); a grant that needs a confidential one refuses it.
  return undefined;
}

/** RFC 6749 §3.2: request parameters must not be repeated (forms can repeat them; JSON objects cannot). */
export function assertNoRepeatedParameters(formBody: string): void {
  const seen = new Set<string>();
  for (const key of new URLSearchParams(formBody).keys()) {
    if (seen.has(key)) throw new OAuthError('invalid_request', `The parameter "${key}" is repeated.`);
    seen.add(key);
  }
}

/** RFC 6749 §5.2: a client that tried HTTP Basic and failed gets the challenge back with its 401. */
export async function challengingBasicClients<T>(client: ClientCredentials | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (client?.method === 'client_secret_basic' && err instanceof OAuthError && err.error === 'invalid_client') {
      throw new OAuthError(err.error, err.description, err.statusCode, { ...err.headers, ...BASIC_CHALLENGE });
    }
    throw err;
  }
}
