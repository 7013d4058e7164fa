/**
 * The Roster stack. Everything variable comes from the same sources local mode uses:
 * the route table (one Lambda per route), shared/workers.ts (stream consumers with
 * their filter patterns, scheduled jobs) and shared/data/table.ts (keys, GSIs, TTL).
 * `/_local/*` routes are local-server code and cannot reach this stack.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Architecture, FilterCriteria, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { config } from '../shared/config.js';
import { tableDescription } from '../shared/data/table.js';
import { handlerFile, routes, type RouteDef } from '../shared/http/routes.js';
import { scheduledWorkers, streamWorkers } from '../shared/workers.js';
import { accessOf, type FunctionAccess } from './access.js';
import { bundlingSettings, NOT_FOUND_HANDLER_FILE } from './bundling.js';

/** The newest Node.js runtime aws-cdk-lib 2.276 knows (cdk-nag L1 flags anything older). */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;
export const DEFAULT_MEMORY_MB = 512;
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const STREAM_RETRY_ATTEMPTS = 5;

export interface RosterSettings {
  publicUrl: string;
  senderEmail: string;
  openSignUp: boolean;
  /** Per scheduled worker, its EventBridge Scheduler expression (context key → expression). */
  schedules: Record<string, string>;
  alarmEmail?: string;
  apiRateLimit: number;
  apiBurstLimit: number;
}

/** Read the stack's settings from CDK context (cdk.json holds the defaults; `-c key=value` overrides). */
export function settingsFromContext(scope: Construct): RosterSettings {
  const ctx = (key: string): unknown => scope.node.tryGetContext(key);
  const publicUrl = String(ctx('publicUrl') ?? '');
  if (!/^https?:\/\/[^/\s]+/.test(publicUrl)) throw new Error(`Context "publicUrl" must be the API's public base URL (https://…), got "${publicUrl}".`);
  const senderEmail = String(ctx('senderEmail') ?? '');
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(senderEmail)) throw new Error(`Context "senderEmail" must be an email address, got "${senderEmail}".`);
  const schedules: Record<string, string> = {};
  for (const w of scheduledWorkers) schedules[w.scheduleContext] = String(ctx(w.scheduleContext) ?? w.defaultSchedule);
  const alarmEmail = ctx('alarmEmail');
  return {
    publicUrl: publicUrl.replace(/\/+$/, ''),
    senderEmail,
    // `-c openSignUp=false` arrives as a string, cdk.json gives a boolean.
    openSignUp: String(ctx('openSignUp') ?? 'true') === 'true',
    schedules,
    alarmEmail: alarmEmail ? String(alarmEmail) : undefined,
    apiRateLimit: Number(ctx('apiRateLimit') ?? 100),
    apiBurstLimit: Number(ctx('apiBurstLimit') ?? 200),
  };
}

const pascal = (s: string) => s.replace(/(^|[-_\s])(\w)/g, (_m, _sep, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase());

export class RosterStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly signingKey: Key;
  readonly deadLetterQueue: Queue;
  /** Every Lambda by its name: the operation for routes, the worker name for workers, `notFound`. */
  readonly functions = new Map<string, NodejsFunction>();

  constructor(scope: Construct, id: string, settings: RosterSettings, props?: StackProps) {
    super(scope, id, props);

    const missing = [...routes.map((r) => handlerFile(r.operation)), ...streamWorkers.map((w) => w.handlerFile),
      ...scheduledWorkers.map((w) => w.handlerFile), NOT_FOUND_HANDLER_FILE].filter((f) => !existsSync(resolve(f)));
    if (missing.length > 0) {
      throw new Error(`Every route and worker needs its handler module; missing: ${missing.join(', ')}`);
    }

    // ---- data ------------------------------------------------------------------------------
    const d = tableDescription;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: d.partitionKey, type: AttributeType.STRING },
      sortKey: { name: d.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: d.ttlAttribute,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: TableEncryption.AWS_MANAGED,
    });
    for (const g of d.gsis) {
      this.table.addGlobalSecondaryIndex({
        indexName: g.name,
        partitionKey: { name: g.pk, type: AttributeType.STRING },
        sortKey: { name: g.sk, type: AttributeType.STRING },
      });
    }

    // ---- secrets ---------------------------------------------------------------------------
    this.signingKey = new Key(this, 'TokenSigningKey', {
      description: 'Roster ES256 access-token signing key (the private key never leaves KMS)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const pepper = new Secret(this, 'TokenHashPepper', {
      description: 'Roster pepper for HMAC hashes of stored tokens and for cursor signatures',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pepper).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The pepper keys the HMAC of every stored token hash; rotating it would invalidate all sign-in links, refresh tokens, invitations and client secrets at once. It is rotated deliberately (re-issue), not on a timer.',
    });

    const sender = new EmailIdentity(this, 'SenderIdentity', { identity: Identity.email(settings.senderEmail) });

    // Where failed asynchronous work lands: stream batches that exhausted their retries and
    // scheduler invocations that could not be delivered. Messages are the failure metadata.
    this.deadLetterQueue = new Queue(this, 'FailedWork', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the stream consumers and the scheduler.',
    });

    // ---- functions -------------------------------------------------------------------------
    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      PUBLIC_URL: settings.publicUrl,
      SENDER_EMAIL: settings.senderEmail,
      OPEN_SIGN_UP: String(settings.openSignUp),
      SIGNING_KEY_ID: this.signingKey.keyArn,
      PEPPER_SECRET_ARN: pepper.secretArn,
      // shared/config.ts requires it in Lambda; KMS and Secrets Manager replace the local key files.
      LOCAL_DATA_DIR: '/tmp/roster',
      ACCESS_TOKEN_TTL_SECONDS: String(config.accessTokenTtlSeconds),
      APP_ACCESS_TOKEN_TTL_SECONDS: String(config.appAccessTokenTtlSeconds),
      REFRESH_TOKEN_TTL_SECONDS: String(config.refreshTokenTtlSeconds),
      SIGN_IN_LINK_TTL_SECONDS: String(config.signInLinkTtlSeconds),
      SIGN_IN_LINKS_PER_EMAIL_PER_HOUR: String(config.signInLinksPerEmailPerHour),
      INVITATIONS_PER_WORKSPACE_PER_DAY: String(config.invitationsPerWorkspacePerDay),
      WORKSPACES_PER_USER_PER_DAY: String(config.workspacesPerUserPerDay),
      DEFAULT_SEATS: String(config.defaultSeats),
      MAX_BODY_BYTES: String(config.maxBodyBytes),
      NODE_OPTIONS: '--enable-source-maps',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };

    const basicExecution = ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole');
    const newRole = (id: string, description: string): Role => {
      const role = new Role(this, id, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        managedPolicies: [basicExecution],
        description,
      });
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only allows writing the function\'s own CloudWatch logs; it is the standard Lambda logging policy.',
      });
      return role;
    };
    const tableGrant = (role: Role, access: FunctionAccess['table']) => {
      if (access === 'none') return;
      if (access === 'read') this.table.grantReadData(role);
      else this.table.grantReadWriteData(role);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.table.node.defaultChild as never)}.Arn>/index/*]`,
        reason: 'The table\'s GSIs (index/*) of this one table; queries by index need the index ARNs, and all of them are ours.',
      });
    };
    const commonGrants = (role: Role) => {
      pepper.grantRead(role);
      // Every function verifies access tokens, which needs the public key.
      this.signingKey.grant(role, 'kms:GetPublicKey');
    };

    // HTTP functions with the same needs share one role that holds exactly those needs:
    // the same least privilege as a role per function, at a third of the IAM resources
    // (CloudFormation allows 500 resources per stack).
    const httpRoles = new Map<string, Role>();
    const roleFor = (access: FunctionAccess): Role => {
      const key = `${access.table}${access.signsTokens ? 'Signing' : ''}`;
      let role = httpRoles.get(key);
      if (!role) {
        role = newRole(`Http${pascal(key)}Role`, `Roster HTTP functions: table ${access.table}${access.signsTokens ? ', signs tokens' : ''}`);
        tableGrant(role, access.table);
        commonGrants(role);
        if (access.signsTokens) this.signingKey.grant(role, 'kms:Sign');
        httpRoles.set(key, role);
      }
      return role;
    };

    const makeFunction = (id: string, entry: string, description: string, role: IRole, memoryMb = DEFAULT_MEMORY_MB, timeoutSeconds = DEFAULT_TIMEOUT_SECONDS) => {
      const logGroup = new LogGroup(this, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
      return new NodejsFunction(this, id, {
        entry,
        description,
        runtime: NODE_RUNTIME,
        architecture: Architecture.ARM_64,
        memorySize: memoryMb,
        timeout: Duration.seconds(timeoutSeconds),
        role,
        logGroup,
        environment,
        bundling: { ...bundlingSettings, format: OutputFormat.ESM, mainFields: [...bundlingSettings.mainFields], externalModules: [...bundlingSettings.externalModules] },
      });
    };

    // ---- HTTP API --------------------------------------------------------------------------
    const notFoundRole = newRole('NotFoundRole', 'Roster $default route: logs only');
    const notFound = makeFunction('NotFoundFn', NOT_FOUND_HANDLER_FILE, '$default route: the contract\'s 404', notFoundRole);
    this.functions.set('notFound', notFound);

    this.api = new HttpApi(this, 'Api', {
      description: 'Roster workspace membership & access API',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('NotFoundIntegration', notFound),
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // The route pattern, never $context.path: paths carry sign-in and invitation tokens.
        format: AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId',
          time: '$context.requestTime',
          ip: '$context.identity.sourceIp',
          userAgent: '$context.identity.userAgent',
          method: '$context.httpMethod',
          routeKey: '$context.routeKey',
          status: '$context.status',
          protocol: '$context.protocol',
          responseLength: '$context.responseLength',
          latencyMs: '$context.responseLatency',
          integrationLatencyMs: '$context.integrationLatency',
          integrationError: '$context.integrationErrorMessage',
        })),
      },
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Authorization is done in each function by the shared middleware: ES256 access tokens verified against our own KMS key, then workspace permissions from the table. An API Gateway JWT authorizer could not express workspace permissions, and public routes (sign-in, JWKS, invitations) must stay open.',
    });

    for (const route of routes as readonly RouteDef[]) {
      const access = accessOf(route.operation as never);
      const fn = makeFunction(
        `${pascal(route.operation)}Fn`,
        handlerFile(route.operation),
        `${route.method} ${route.path} (${route.operation})`,
        roleFor(access),
        route.memoryMb,
        route.timeoutSeconds,
      );
      this.functions.set(route.operation, fn);
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(route.operation)}Integration`, fn),
      });
    }

    // ---- stream consumers ------------------------------------------------------------------
    for (const worker of streamWorkers) {
      const role = newRole(`${pascal(worker.name)}Role`, `Roster stream consumer ${worker.name}`);
      tableGrant(role, 'readwrite');
      commonGrants(role);
      const fn = makeFunction(`${pascal(worker.name)}Fn`, worker.handlerFile, `stream: ${worker.name}`, role, DEFAULT_MEMORY_MB, 60);
      fn.addEventSource(new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: worker.batchSize,
        bisectBatchOnError: true,
        retryAttempts: STREAM_RETRY_ATTEMPTS,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [FilterCriteria.filter(worker.filter)],
      }));
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'dynamodb:ListStreams (added by the event source mapping) has no resource-level permissions; the stream read actions themselves are scoped to this table\'s stream.',
      });
      this.functions.set(worker.name, fn);
    }
    // The notifier alone may send email, and only as the configured sender.
    sender.grantSendEmail(this.functions.get('send-outbox-email')!);

    // ---- scheduled jobs --------------------------------------------------------------------
    for (const job of scheduledWorkers) {
      const role = newRole(`${pascal(job.name)}Role`, `Roster scheduled job ${job.name}`);
      tableGrant(role, 'readwrite');
      commonGrants(role);
      const fn = makeFunction(`${pascal(job.name)}Fn`, job.handlerFile, `schedule: ${job.name}`, role, 1024, 300);
      this.functions.set(job.name, fn);
      const schedulerRole = new Role(this, `${pascal(job.name)}SchedulerRole`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
        description: `EventBridge Scheduler: invoke ${job.name}`,
      });
      Validations.of(schedulerRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as never)}.Arn>:*]`,
        reason: 'grantInvoke covers the job function\'s versions and aliases (ARN:*) — that one function only.',
      });
      new Schedule(this, `${pascal(job.name)}Schedule`, {
        description: `Roster ${job.name}`,
        schedule: ScheduleExpression.expression(settings.schedules[job.scheduleContext]!),
        target: new LambdaInvoke(fn, {
          input: ScheduleTargetInput.fromObject({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', time: ContextAttribute.scheduledTime }),
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.deadLetterQueue,
          role: schedulerRole,
        }),
      });
    }

    // ---- alarms ----------------------------------------------------------------------------
    const alarmKey = new Key(this, 'AlarmTopicKey', { description: 'Roster alarm topic encryption', enableKeyRotation: true });
    alarmKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const alarmTopic = new Topic(this, 'Alarms', { masterKey: alarmKey, enforceSSL: true });
    if (settings.alarmEmail) alarmTopic.addSubscription(new EmailSubscription(settings.alarmEmail));
    const alarmAction = new SnsAction(alarmTopic);

    // One alarm per ten functions: a metric-math alarm may combine at most ten metrics.
    const all = [...this.functions.entries()];
    for (let i = 0; i < all.length; i += 10) {
      const group = all.slice(i, i + 10);
      const usingMetrics = Object.fromEntries(group.map(([, fn], j) => [`e${j}`, fn.metricErrors({ period: Duration.minutes(5) })]));
      new Alarm(this, `FunctionErrors${i / 10 + 1}`, {
        alarmDescription: `Lambda errors in: ${group.map(([name]) => name).join(', ')}`,
        metric: new MathExpression({ expression: `SUM([${Object.keys(usingMetrics).join(',')}])`, usingMetrics, period: Duration.minutes(5), label: 'Errors' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    }
    new Alarm(this, 'FailedWorkAlarm', {
      alarmDescription: 'Stream records or scheduled jobs failed after all retries (see the FailedWork queue)',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);
    new Alarm(this, 'Api5xxAlarm', {
      alarmDescription: 'The API answered with 5xx',
      metric: this.api.metricServerError({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the API (set publicUrl to it or to your custom domain)' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'SigningKeyArn', { value: this.signingKey.keyArn });
    new CfnOutput(this, 'FailedWorkQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }
}
