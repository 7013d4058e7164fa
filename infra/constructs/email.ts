/**
 * Outgoing email: the SES identity the notifier sends as, and the configuration set
 * every send goes through (reputation metrics, account-level suppression of bounced
 * and complaining addresses, sending events in CloudWatch).
 *
 * With `senderDomain` the identity is the domain, signed with Easy DKIM (SES gives
 * three CNAME records to publish), so mail passes DMARC; without it, only the
 * address is verified (SES mails it a link) and DMARC depends on the domain's policy.
 */
import { Stack, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  CloudWatchDimensionSource, ConfigurationSet, EmailIdentity, EmailSendingEvent, EventDestination, Identity, SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailProps {
  senderEmail: string;
  senderDomain?: string;
}

/** The events counted in CloudWatch (AWS/SES, dimension `ses:configuration-set`). */
export const SES_EVENTS = [
  EmailSendingEvent.SEND, EmailSendingEvent.REJECT, EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.DELIVERY, EmailSendingEvent.DELIVERY_DELAY, EmailSendingEvent.RENDERING_FAILURE,
];

export class Email extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  private readonly senderEmail: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // Never mail an address that bounced or complained again: repeated bounces (mistyped invitations) get sending paused.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('CloudWatch', {
      destination: EventDestination.cloudWatchDimensions([
        { name: 'ses:configuration-set', source: CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: 'none' },
      ]),
      events: SES_EVENTS,
    });
    this.identity = new EmailIdentity(this, 'SenderIdentity', {
      identity: props.senderDomain ? Identity.domain(props.senderDomain) : Identity.email(props.senderEmail),
      // The identity's default configuration set: every send from it goes through the set.
      configurationSet: this.configurationSet,
      dkimSigning: true,
    });
  }

  /**
   * Send as the sender address, nothing else. The resource is every identity because SES
   * also authorizes against the *recipient's* identity while the account is in the sandbox
   * (AccessDenied on `identity/<recipient>` otherwise); the `ses:FromAddress` condition
   * keeps the grant to our one From address. The configuration set is a resource of the send too.
   */
  grantSend(fn: IFunction): void {
    const stack = Stack.of(this);
    if (!fn.role) throw new Error('The sending function needs a role');
    Validations.of(fn.role).acknowledge({
      // cdk-nag names the resource as it reads in the template: a pseudo parameter, or the stack's concrete env.
      id: `AwsSolutions-IAM5[Resource::arn:${shown(stack.partition, 'AWS::Partition')}:ses:${shown(stack.region, 'AWS::Region')}:${shown(stack.account, 'AWS::AccountId')}:identity/*]`,
      reason: 'In the SES sandbox, SendEmail is also authorized against the recipient\'s identity; the ses:FromAddress condition limits the grant to sending as our one sender address.',
    });
    fn.role.addToPrincipalPolicy(new PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [
        `arn:${stack.partition}:ses:${stack.region}:${stack.account}:identity/*`,
        `arn:${stack.partition}:ses:${stack.region}:${stack.account}:configuration-set/${this.configurationSet.configurationSetName}`,
      ],
      conditions: { StringEquals: { 'ses:FromAddress': this.senderEmail } },
    }));
  }
}

const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
