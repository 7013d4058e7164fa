/**
 * The secrets behind every token: the KMS key that signs access tokens, the pepper that
 * keys token hashes, and the KMS key that seals link tokens in the email outbox.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export class TokenKeys extends Construct {
  readonly signingKey: Key;
  readonly pepper: Secret;
  /** Seals link tokens in the outbox (RSA-OAEP-SHA256): anyone encrypts with the public key, only the notifier decrypts. */
  readonly outboxKey: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.signingKey = new Key(this, 'SigningKey', {
      description: 'Roster ES256 access-token signing key (the private key never leaves KMS)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.outboxKey = new Key(this, 'OutboxKey', {
      description: 'Roster link-token sealing key for the email outbox (only the notifier may decrypt)',
      keySpec: KeySpec.RSA_2048,
      keyUsage: KeyUsage.ENCRYPT_DECRYPT,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.pepper = new Secret(this, 'HashPepper', {
      description: 'Roster pepper for HMAC hashes of stored tokens and for cursor signatures',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.pepper).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The pepper keys the HMAC of every stored token hash; rotating it would invalidate all sign-in links, refresh tokens, invitations and client secrets at once. It is rotated deliberately (re-issue), not on a timer.',
    });
  }

  /**
   * What every function needs: verify access tokens (the public key), hash tokens (the
   * pepper) and seal link tokens for the outbox (the outbox key's public half).
   */
  grantVerify(grantee: IGrantable): void {
    this.pepper.grantRead(grantee);
    this.signingKey.grant(grantee, 'kms:GetPublicKey');
    this.outboxKey.grant(grantee, 'kms:GetPublicKey');
  }

  /** Only the notifier: it opens the sealed link tokens to put them in the email. */
  grantOpenLinks(grantee: IGrantable): void {
    this.outboxKey.grant(grantee, 'kms:Decrypt');
  }

  /** Only the handlers that hand out access tokens. */
  grantSign(grantee: IGrantable): void {
    this.signingKey.grant(grantee, 'kms:Sign');
  }

  /** The variables shared/auth/key-material.ts and link-seal.ts need in Lambda. */
  get environment(): Record<string, string> {
    return { SIGNING_KEY_ID: this.signingKey.keyArn, PEPPER_SECRET_ARN: this.pepper.secretArn, OUTBOX_KEY_ID: this.outboxKey.keyArn };
  }
}
