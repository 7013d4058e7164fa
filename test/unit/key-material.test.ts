/**
 * The AWS path of shared/auth/key-material.ts (KMS signer, Secrets Manager pepper),
 * through the real SDK against a protocol-level stand-in. The point: a load that fails
 * once (throttled, or denied while IAM propagates) is not cached; the next request of
 * the same warm container loads again and works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { jwtVerify, importJWK } from 'jose';
import { startAwsStandIn, type AwsStandIn } from '../support/aws-stand-in.js';

let aws: AwsStandIn;
let keys: typeof import('../../shared/auth/key-material.js');
let seal: typeof import('../../shared/auth/link-seal.js');

beforeAll(async () => {
  aws = await startAwsStandIn();
  process.env.SIGNING_KEY_ID = 'arn:aws:kms:us-east-1:111122223333:key/stand-in';
  process.env.PEPPER_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:pepper';
  process.env.OUTBOX_KEY_ID = 'arn:aws:kms:us-east-1:111122223333:key/outbox-stand-in';
  process.env.AWS_ENDPOINT_URL_KMS = aws.url;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = aws.url;
  process.env.AWS_ACCESS_KEY_ID = 'stand-in';
  process.env.AWS_SECRET_ACCESS_KEY = 'stand-in';
  // One attempt per call, so "fails once" is one failed call rather than one exhausted retry budget.
  process.env.AWS_MAX_ATTEMPTS = '1';
  // config.ts reads the environment at import: import after setting it.
  keys = await import('../../shared/auth/key-material.js');
  seal = await import('../../shared/auth/link-seal.js');
});
afterAll(async () => { await aws.stop(); });

describe('key material in AWS', () => {
  it('a pepper load that fails once is retried by the next call, which succeeds', async () => {
    aws.failNext('GetSecretValue', 1);
    await expect(keys.loadPepper()).rejects.toThrow(/failed on purpose/);
    expect(aws.calls.GetSecretValue).toBe(1);
    await expect(keys.loadPepper()).resolves.toEqual(Buffer.from(aws.secretString, 'utf8'));
    expect(aws.calls.GetSecretValue).toBe(2);
    // Success is cached: one call per container, not per request.
    await keys.loadPepper();
    expect(aws.calls.GetSecretValue).toBe(2);
  });

  it('a signer load that fails once is retried by the next call; the signer then signs with the KMS key', async () => {
    aws.failNext('GetPublicKey', 1, 'AccessDeniedException');
    await expect(keys.loadSigner()).rejects.toThrow(/failed on purpose/);
    const signer = await keys.loadSigner();
    expect(aws.calls.GetPublicKey).toBe(2);
    await keys.loadSigner();
    expect(aws.calls.GetPublicKey).toBe(2);

    // The published key is KMS's public key, and a token it signs verifies against it.
    const published = createPublicKey({ key: signer.publicJwk as never, format: 'jwk' }).export({ format: 'der', type: 'spki' });
    expect(published.equals(aws.publicKeyDer)).toBe(true);
    const jwt = await signer.sign({ sub: 'usr_1', iss: 'https://issuer.test' }, 'at+jwt');
    const { payload, protectedHeader } = await jwtVerify(jwt, await importJWK(signer.publicJwk, 'ES256'));
    expect(payload.sub).toBe('usr_1');
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: signer.kid });
  });

  it('concurrent callers during a failing load all see that failure, and the next caller starts afresh', async () => {
    // A fresh module instance: nothing cached yet.
    const { vi } = await import('vitest');
    vi.resetModules();
    const fresh = await import('../../shared/auth/key-material.js');
    const before = aws.calls.GetSecretValue ?? 0;
    aws.failNext('GetSecretValue', 1);
    const results = await Promise.allSettled([fresh.loadPepper(), fresh.loadPepper(), fresh.loadPepper()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(aws.calls.GetSecretValue).toBe(before + 1);
    await expect(fresh.loadPepper()).resolves.toEqual(Buffer.from(aws.secretString, 'utf8'));
    expect(aws.calls.GetSecretValue).toBe(before + 2);
  });
});

describe('link tokens sealed under the KMS outbox key', () => {
  it('seals with the public key (one GetPublicKey per container, a failed load not kept) and opens only through KMS Decrypt', async () => {
    const token = 'x'.repeat(43);
    aws.failNext('GetPublicKey', 1, 'AccessDeniedException');
    const before = aws.calls.GetPublicKey ?? 0;
    await expect(seal.sealLinkToken(token)).rejects.toThrow(/failed on purpose/);
    const sealed = await seal.sealLinkToken(token);
    const again = await seal.sealLinkToken(token);
    expect(aws.calls.GetPublicKey).toBe(before + 2);
    // RSA-OAEP is randomized: the same token never gives the same ciphertext.
    expect(sealed).not.toBe(again);
    expect(sealed).not.toContain(token);
    expect(sealed).toMatch(/^rsa-oaep-256:[A-Za-z0-9_-]+$/);

    // What the stand-in's KMS key decrypts, with the algorithm KMS needs for an RSA key.
    await expect(seal.openLinkToken(sealed)).resolves.toBe(token);
    expect(aws.decryptAlgorithms).toEqual(['RSAES_OAEP_SHA_256']);
    // Denied (any function but the notifier): the token stays closed.
    aws.failNext('Decrypt', 1, 'AccessDeniedException');
    await expect(seal.openLinkToken(again)).rejects.toThrow(/failed on purpose/);
  });
});
