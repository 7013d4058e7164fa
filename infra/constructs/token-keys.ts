/** The two secrets behind every token: the KMS key that signs access tokens and the pepper that keys token hashes. */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export class TokenKeys extends Construct {
  readonly signingKey: Key;
  readonly pepper: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.signingKey = new Key(this, 'SigningKey', {
      description: 'Roster ES256 access-token signing key (the private key never leaves KMS)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
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

  /** What every function needs: verify access tokens (the public key) and hash tokens (the pepper). */
  grantVerify(grantee: IGrantable): void {
    this.pepper.grantRead(grantee);
    this.signingKey.grant(grantee, 'kms:GetPublicKey');
  }

  /** Only the handlers that hand out access tokens. */
  grantSign(grantee: IGrantable): void {
    this.signingKey.grant(grantee, 'kms:Sign');
  }

  /** The variables shared/auth/key-material.ts needs in Lambda. */
  get environment(): Record<string, string> {
    return { SIGNING_KEY_ID: this.signingKey.keyArn, PEPPER_SECRET_ARN: this.pepper.secretArn };
  }
}
