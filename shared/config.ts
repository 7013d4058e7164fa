/**
 * Configuration, read once at module load. Every value has a safe local default
 * except in Lambda, where the stack sets them all; a missing one fails fast.
 */
const inLambda = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

function read(name: string, localDefault: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (inLambda) throw new Error(`Missing required environment variable ${name}`);
  return localDefault;
}

/**
 * Local mode generates these in LOCAL_DATA_DIR; in Lambda that would be a per-container
 * key signing tokens no other container accepts, so a missing one fails the cold start.
 */
function requiredInLambda(name: string, meaning: string): string | undefined {
  const value = process.env[name];
  if (value) return value;
  if (inLambda) throw new Error(`Missing required environment variable ${name} (${meaning}); refusing to start with a per-container local key`);
  return undefined;
}

function readInt(name: string, localDefault: number): number {
  const raw = read(name, String(localDefault));
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Environment variable ${name} must be a non-negative integer`);
  return n;
}

/** Absolute http(s) URIs, separated by commas or white space; may be empty (then only the Console's callback). */
function readUriList(name: string): string[] {
  const list = (process.env[name] ?? '').split(/[\s,]+/).filter(Boolean);
  for (const uri of list) {
    let u: URL;
    try { u = new URL(uri); } catch { throw new Error(`${name}: "${uri}" is not an absolute URI`); }
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.hash || u.username || u.password) {
      throw new Error(`${name}: "${uri}" must be an http(s) URI without fragment or credentials`);
    }
  }
  return list;
}

const publicUrl = read('PUBLIC_URL', 'http://127.0.0.1:3000').replace(/\/+$/, '');

export const config = {
  inLambda,
  tableName: read('TABLE_NAME', 'roster'),
  region: read('AWS_REGION', 'us-east-1'),
  /** Set only in local mode and tests; Lambda talks to the regional endpoints. */
  dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
  sesEndpoint: process.env.SES_ENDPOINT || undefined,
  publicUrl,
  /** Where the Console receives its hand-off code: always an allowed redirect URI. */
  consoleCallbackUri: `${publicUrl}/console/callback`,
  /** Host products' redirect URIs for the sign-in hand-off, compared as exact strings (RFC 9700 §4.1.3). */
  allowedRedirectUris: readUriList('ALLOWED_REDIRECT_URIS'),
  senderEmail: read('SENDER_EMAIL', 'no-reply@roster.local'),
  openSignUp: read('OPEN_SIGN_UP', 'true') === 'true',
  /** KMS key id (AWS) — when unset, a local ES256 key in LOCAL_DATA_DIR signs tokens. */
  signingKeyId: requiredInLambda('SIGNING_KEY_ID', 'the KMS key that signs access tokens'),
  /** Secrets Manager secret holding the token-hash pepper (AWS); local mode keeps it in LOCAL_DATA_DIR. */
  pepperSecretArn: requiredInLambda('PEPPER_SECRET_ARN', 'the Secrets Manager secret that keys token hashes'),
  /** Asymmetric KMS key (RSA, encrypt/decrypt) that seals link tokens in the outbox; local mode keeps an RSA key in LOCAL_DATA_DIR. */
  outboxKeyId: requiredInLambda('OUTBOX_KEY_ID', 'the KMS key that seals link tokens in the email outbox'),
  /** Local mode and tests only (keys, pepper); Lambda never writes key material. */
  localDataDir: process.env.LOCAL_DATA_DIR || '.roster-local',
  accessTokenTtlSeconds: readInt('ACCESS_TOKEN_TTL_SECONDS', 900),
  appAccessTokenTtlSeconds: readInt('APP_ACCESS_TOKEN_TTL_SECONDS', 3600),
  refreshTokenTtlSeconds: readInt('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600),
  signInLinkTtlSeconds: readInt('SIGN_IN_LINK_TTL_SECONDS', 15 * 60),
  signInLinksPerEmailPerHour: readInt('SIGN_IN_LINKS_PER_EMAIL_PER_HOUR', 5),
  invitationsPerWorkspacePerDay: readInt('INVITATIONS_PER_WORKSPACE_PER_DAY', 500),
  workspacesPerUserPerDay: readInt('WORKSPACES_PER_USER_PER_DAY', 10),
  defaultSeats: readInt('DEFAULT_SEATS', 10),
  maxBodyBytes: readInt('MAX_BODY_BYTES', 256 * 1024),
  /** Validate every JSON answer against its route's response schema (the test suite turns it on). */
  checkResponses: process.env.ROSTER_CHECK_RESPONSES === 'true',
} as const;
