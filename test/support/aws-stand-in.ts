/**
 * KMS and Secrets Manager at the wire-protocol level (AWS JSON 1.1), for the code paths
 * that only run in AWS: the real SDK clients talk to it through AWS_ENDPOINT_URL_KMS and
 * AWS_ENDPOINT_URL_SECRETS_MANAGER. It holds one P-256 signing key, one RSA key for the
 * outbox (any KeyId containing "outbox" names it) and one secret, counts calls
 * per operation, and can be told to fail the next calls of an operation (a throttled or
 * denied call at cold start).
 */
import { createServer, type Server } from 'node:http';
import { constants, generateKeyPairSync, privateDecrypt, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface AwsStandIn {
  url: string;
  /** The public key as KMS would publish it (SPKI DER). */
  publicKeyDer: Buffer;
  /** The outbox key's public half (SPKI DER), RSA 2048 for RSAES_OAEP_SHA_256. */
  outboxPublicKeyDer: Buffer;
  /** The algorithm of every Decrypt call, in order. */
  decryptAlgorithms: string[];
  secretString: string;
  calls: Record<string, number>;
  /** The next `times` calls of `operation` (e.g. 'GetPublicKey') answer with this error. */
  failNext(operation: string, times: number, error?: string): void;
  stop(): Promise<void>;
}

export async function startAwsStandIn(secretString = 'stand-in-pepper-'.repeat(4)): Promise<AwsStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyDer = publicKey.export({ format: 'der', type: 'spki' });
  const outbox = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const outboxPublicKeyDer = outbox.publicKey.export({ format: 'der', type: 'spki' });
  const decryptAlgorithms: string[] = [];
  const calls: Record<string, number> = {};
  const failures = new Map<string, { times: number; error: string }>();

  const answer = (op: string, input: Record<string, string>): unknown => {
    switch (op) {
      case 'GetSecretValue': return { ARN: input.SecretId, Name: 'pepper', SecretString: secretString, VersionId: 'v1' };
      case 'GetPublicKey': if (input.KeyId?.includes('outbox')) {
        return { KeyId: input.KeyId, PublicKey: outboxPublicKeyDer.toString('base64'), KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT', EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] };
      } return { KeyId: input.KeyId, PublicKey: publicKeyDer.toString('base64'), KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['ECDSA_SHA_256'] };
      case 'Sign': return {
        KeyId: input.KeyId,
        SigningAlgorithm: 'ECDSA_SHA_256',
        Signature: sign('sha256', Buffer.from(input.Message!, 'base64'), { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
      };
      case 'Decrypt': {
        if (!input.KeyId?.includes('outbox')) throw new Error('stand-in: Decrypt needs the outbox KeyId (asymmetric keys require it)');
        decryptAlgorithms.push(input.EncryptionAlgorithm ?? '');
        if (input.EncryptionAlgorithm !== 'RSAES_OAEP_SHA_256') throw new Error('stand-in: wrong EncryptionAlgorithm');
        const plaintext = privateDecrypt({ key: outbox.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(input.CiphertextBlob!, 'base64'));
        return { KeyId: input.KeyId, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: input.EncryptionAlgorithm };
      }
      default: throw new Error(`stand-in: unsupported operation ${op}`);
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      calls[op] = (calls[op] ?? 0) + 1;
      const failure = failures.get(op);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (failure && failure.times > 0) {
        failure.times -= 1;
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: failure.error, message: `stand-in: ${op} failed on purpose` }));
        return;
      }
      try {
        res.end(JSON.stringify(answer(op, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>)));
      } catch (err) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ValidationException', message: (err as Error).message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    publicKeyDer,
    outboxPublicKeyDer,
    decryptAlgorithms,
    secretString,
    calls,
    failNext: (operation, times, error = 'ThrottlingException') => { failures.set(operation, { times, error }); },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
