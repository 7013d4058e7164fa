/**
 * Link tokens (sign-in, invitation) on their way to the email: the outbox item, the
 * table's stream and the dead-letter queue carry them only sealed (RSA-OAEP-SHA256),
 * and only the notifier can open them.
 *
 * AWS: an asymmetric KMS key (RSA_2048, ENCRYPT_DECRYPT). Whoever queues an email
 * encrypts with the public key (GetPublicKey once per container, no KMS call per
 * email); only the notifier's role holds kms:Decrypt, so a table, stream or queue
 * reader — or any other function — holds ciphertext it cannot open.
 * Local mode and tests: an RSA key kept in LOCAL_DATA_DIR.
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPair, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { config } from '../config.js';
import { localKeyFile, onceUnlessRejected } from './key-material.js';

const PREFIX = 'rsa-oaep-256:';
const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

const localPrivateKey = onceUnlessRejected(async (): Promise<KeyObject> => createPrivateKey(await localKeyFile('outbox-key.pem', async () => {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
})));

const kmsClient = onceUnlessRejected(async () => {
  // Loaded only where used (AWS): keeps the SDK client out of local mode's import path.
  const { KMSClient } = await import('@aws-sdk/client-kms');
  return new KMSClient({ region: config.region });
});

const loadPublicKey = onceUnlessRejected(async (): Promise<KeyObject> => {
  if (!config.outboxKeyId) return createPublicKey(await localPrivateKey());
  const { GetPublicKeyCommand } = await import('@aws-sdk/client-kms');
  const out = await (await kmsClient()).send(new GetPublicKeyCommand({ KeyId: config.outboxKeyId }));
  if (!out.PublicKey) throw new Error('KMS returned no public key for the outbox key');
  return createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
});

/** Seal a link token for the notifier; the result is safe to store. */
export async function sealLinkToken(token: string): Promise<string> {
  return PREFIX + publicEncrypt({ key: await loadPublicKey(), ...OAEP }, Buffer.from(token, 'utf8')).toString('base64url');
}

/** Open a sealed link token (the notifier only: elsewhere in AWS, KMS refuses). */
export async function openLinkToken(sealed: string): Promise<string> {
  if (!sealed.startsWith(PREFIX)) throw new Error('Not a sealed link token');
  const ciphertext = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  if (!config.outboxKeyId) return privateDecrypt({ key: await localPrivateKey(), ...OAEP }, ciphertext).toString('utf8');
  const { DecryptCommand } = await import('@aws-sdk/client-kms');
  const out = await (await kmsClient()).send(new DecryptCommand({
    KeyId: config.outboxKeyId, CiphertextBlob: ciphertext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
  }));
  if (!out.Plaintext) throw new Error('KMS returned no plaintext');
  return Buffer.from(out.Plaintext).toString('utf8');
}
