/** The discovery document (RFC 8414 / OpenID Connect Discovery field names). */
import { config } from '../config.js';
import { SCOPES } from '../scopes.js';

export function discoveryDocument() {
  const base = config.publicUrl;
  return {
    issuer: base,
    jwks_uri: `${base}/.well-known/jwks.json`,
    token_endpoint: `${base}/oauth/token`,
    revocation_endpoint: `${base}/oauth/revoke`,
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    // The authorization request is POST /auth/email-link (a person proves their email, not a password), so there is no authorization_endpoint.
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    response_types_supported: ['code', 'token'],
    scopes_supported: [...SCOPES],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    service_documentation: `${base}/openapi.json`,
  };
}
