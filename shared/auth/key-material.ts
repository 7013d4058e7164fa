/**
 * Where the signing key and the token-hash pepper come from.
 *
 * AWS: tokens are signed by an asymmetric KMS key (ECC_NIST_P256); the private
 * key never leaves KMS, rotation is a new key id, and CloudTrail records each use.
 * The pepper is a Secrets Manager secret read once per cold start.
 * Local mode and tests: both are generated on first use and kept in LOCAL_DATA_DIR,
 * so tokens survive a restart of `npm start`.
 */
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, importSPKI, SignJWT, type JWK, type JWTPayload, base64url } from 'jose';
import formatter from 'ecdsa-sig-formatter';
import { config } from '../config.js';

export interface Signer {
  kid: string;
  publicJwk: JWK;
  verifyKey: Awaited<ReturnType<typeof importJWK>>;
  sign(payload: JWTPayload, typ: string): Promise<string>;
}

interface LocalKeys {
  pepper: string;
  privateJwk: JWK;
}

/**
 * Load once per execution environment, but never keep a failure: a throttled or
 * denied call at cold start must not turn every later request of a warm container
 * into a 500. A rejected load is forgotten, so the next caller tries again.
 */
export function onceUnlessRejected<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    if (!cached) {
      const attempt = load();
      cached = attempt;
      attempt.catch(() => { if (cached === attempt) cached = undefined; });
    }
    return cached;
  };
}

/**
 * A key file in LOCAL_DATA_DIR (local mode and tests only), created on first use so keys
 * survive a restart of `npm start`. When two processes race to create it, both use the winner's.
 */
export async function localKeyFile(name: string, create: () => Promise<string>): Promise<string> {
  // shared/config.ts already refuses to start a Lambda without its KMS key ids and the pepper ARN;
  // a per-container key in /tmp would produce tokens and ciphertexts no other container accepts.
  if (config.inLambda) throw new Error(`Local key material (${name}) is never used in Lambda: set the KMS key ids and PEPPER_SECRET_ARN`);
  const file = join(config.localDataDir, name);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    const fresh = await create();
    mkdirSync(config.localDataDir, { recursive: true });
    // Written aside, then linked into place: a reader never sees a half-written key.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, fresh, { mode: 0o600 });
    try {
      linkSync(draft, file);
      return fresh;
    } catch {
      return readFileSync(file, 'utf8');
    } finally {
      unlinkSync(draft);
    }
  }
}

const loadLocalKeys = onceUnlessRejected(async (): Promise<LocalKeys> => JSON.parse(await localKeyFile('keys.json', async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify({ pepper: randomBytes(32).toString('base64url'), privateJwk: await exportJWK(privateKey) } satisfies LocalKeys);
})) as LocalKeys);

export const loadPepper = onceUnlessRejected(async (): Promise<Buffer> => {
  if (config.pepperSecretArn) {
    // Loaded only where used (AWS): keeps the SDK client out of local mode and off the import path.
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const sm = new SecretsManagerClient({ region: config.region });
    const out = await sm.send(new GetSecretValueCommand({ SecretId: config.pepperSecretArn }));
    if (!out.SecretString) throw new Error('Pepper secret is empty');
    return Buffer.from(out.SecretString, 'utf8');
  }
  return Buffer.from((await loadLocalKeys()).pepper, 'base64url');
});

const thumbprintKid = (jwk: JWK): string =>
  createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url').slice(0, 16);

async function localSigner(): Promise<Signer> {
  const { privateJwk } = await loadLocalKeys();
  const { d: _d, ...publicPart } = privateJwk;
  const kid = thumbprintKid(publicPart);
  const publicJwk: JWK = { ...publicPart, kid, alg: 'ES256', use: 'sig' };
  const privateKey = await importJWK(privateJwk, 'ES256');
  const verifyKey = await importJWK(publicPart, 'ES256');
  return {
    kid,
    publicJwk,
    verifyKey,
    sign: (payload, typ) => new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid, typ }).sign(privateKey),
  };
}

async function kmsSigner(keyId: string): Promise<Signer> {
  const { KMSClient, GetPublicKeyCommand, SignCommand } = await import('@aws-sdk/client-kms');
  const kms = new KMSClient({ region: config.region });
  const pub = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!pub.PublicKey) throw new Error('KMS returned no public key');
  const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(pub.PublicKey).toString('base64')}\n-----END PUBLIC KEY-----`;
  const verifyKey = await importSPKI(pem, 'ES256', { extractable: true });
  const jwk = await exportJWK(verifyKey);
  const kid = thumbprintKid(jwk);
  const publicJwk: JWK = { ...jwk, kid, alg: 'ES256', use: 'sig' };
  return {
    kid,
    publicJwk,
    verifyKey,
    async sign(payload, typ) {
      const header = base64url.encode(JSON.stringify({ alg: 'ES256', kid, typ }));
      const body = base64url.encode(JSON.stringify(payload));
      const signingInput = `${header}.${body}`;
      const out = await kms.send(new SignCommand({
        KeyId: keyId,
        Message: Buffer.from(signingInput),
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }));
      if (!out.Signature) throw new Error('KMS returned no signature');
      // KMS returns a DER-encoded ECDSA signature; JWS wants the raw r||s form.
      return `${signingInput}.${formatter.derToJose(Buffer.from(out.Signature), 'ES256')}`;
    },
  };
}

export const loadSigner = onceUnlessRejected((): Promise<Signer> =>
  config.signingKeyId ? kmsSigner(config.signingKeyId) : localSigner());
