/**
 * The Roster stack, composed of constructs named for what they make. Everything
 * variable comes from CDK context (infra/config.ts) and from the sources local mode
 * also reads: the route table (one Lambda per route), shared/workers.ts (stream
 * consumers with their filter patterns, scheduled jobs) and shared/data/table.ts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { handlerFile, routes } from '../shared/http/routes.js';
import { scheduledWorkers, streamWorkers } from '../shared/workers.js';
import { NOT_FOUND_HANDLER_FILE } from './bundling.js';
import { configEnvironment, type StackConfig } from './config.js';
import { Alarms } from './constructs/alarms.js';
import { RosterApi } from './constructs/api.js';
import { Email } from './constructs/email.js';
import { FailedWorkQueue } from './constructs/failed-work.js';
import { ScheduledJobs } from './constructs/schedule.js';
import { RosterTable } from './constructs/table.js';
import { TokenKeys } from './constructs/token-keys.js';
import { StreamWorkers } from './constructs/workers.js';
import { LambdaFactory } from './functions.js';

export class RosterStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly signingKey: Key;
  /** Seals link tokens in the email outbox; only the notifier may decrypt. */
  readonly outboxKey: Key;
  readonly deadLetterQueue: Queue;
  readonly alarms: Alarms;
  /** Every Lambda by its name: the operation for routes, the worker name for workers, `notFound`. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, config: StackConfig, props?: StackProps) {
    super(scope, id, props);

    const missing = [...routes.map((r) => handlerFile(r.operation)), ...streamWorkers.map((w) => w.handlerFile),
      ...scheduledWorkers.map((w) => w.handlerFile), NOT_FOUND_HANDLER_FILE].filter((f) => !existsSync(resolve(f)));
    if (missing.length > 0) {
      throw new Error(`Every route and worker needs its handler module; missing: ${missing.join(', ')}`);
    }

    this.table = new RosterTable(this, 'Data').table;
    const keys = new TokenKeys(this, 'TokenKeys');
    this.signingKey = keys.signingKey;
    this.outboxKey = keys.outboxKey;
    this.deadLetterQueue = new FailedWorkQueue(this, 'FailedWork').queue;
    const email = new Email(this, 'Email', { senderEmail: config.senderEmail, senderDomain: config.senderDomain });

    const lambdas = new LambdaFactory(this.table, keys, {
      // The token issuer and the links in emails: the custom domain when configured, else the
      // API's own endpoint, so a first deploy works without a second pass.
      PUBLIC_URL: Lazy.string({ produce: () => this.api.apiEndpoint }),
      TABLE_NAME: this.table.tableName,
      ...keys.environment,
      ...configEnvironment(config),
      NODE_OPTIONS: '--enable-source-maps',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    this.functions = lambdas.functions;

    const api = new RosterApi(this, 'Api', { lambdas, rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit });
    this.api = api.api;
    new StreamWorkers(this, 'StreamWorkers', { lambdas, table: this.table, deadLetterQueue: this.deadLetterQueue });
    // The notifier alone may send email, and only as the configured sender; it alone opens sealed link tokens.
    email.grantSend(lambdas.get('send-outbox-email'));
    keys.grantOpenLinks(lambdas.get('send-outbox-email'));
    new ScheduledJobs(this, 'Schedule', { lambdas, deadLetterQueue: this.deadLetterQueue, schedules: config.schedules });
    this.alarms = new Alarms(this, 'Alarms', {
      functions: lambdas.functions,
      streamFunctions: streamWorkers.map((w) => lambdas.get(w.name)),
      api: this.api,
      table: this.table,
      deadLetterQueue: this.deadLetterQueue,
      notifier: lambdas.get('send-outbox-email'),
      reconciliationJob: lambdas.get('license-reconciliation'),
      alarmEmail: config.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'The API\'s own endpoint' });
    new CfnOutput(this, 'PublicUrl', { value: config.publicUrl ?? this.api.apiEndpoint, description: 'Token issuer and base of every emailed link (publicUrl, or the API endpoint)' });
    if (config.senderDomain) {
      email.identity.dkimRecords.forEach((r, i) => new CfnOutput(this, `DkimRecord${i + 1}`, { value: `${r.name} CNAME ${r.value}`, description: `Easy DKIM: publish in ${config.senderDomain}'s DNS` }));
    }
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'SigningKeyArn', { value: this.signingKey.keyArn });
    new CfnOutput(this, 'FailedWorkQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }
}
