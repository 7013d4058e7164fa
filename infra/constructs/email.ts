/** Outgoing email: the SES identity the notifier sends as. */
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailProps {
  senderEmail: string;
}

export class Email extends Construct {
  readonly identity: EmailIdentity;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.identity = new EmailIdentity(this, 'SenderIdentity', { identity: Identity.email(props.senderEmail) });
  }

  /** Send as the sender identity, nothing else. */
  grantSend(grantee: IGrantable): void {
    this.identity.grantSendEmail(grantee);
  }
}
