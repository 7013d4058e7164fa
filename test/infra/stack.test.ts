/**
 * The CDK stack, synthesized once (bundling skipped: the assets are not under test
 * here, bench/suites/foundation.ts bundles every handler the same way) and read as
 * a CloudFormation template. Properties, not counts: every route reaches its own
 * handler, the grants are the ones each handler needs, cdk-nag finds nothing.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { build } from 'esbuild';
import { RosterStack } from '../../infra/stack.js';
import { readStackConfig } from '../../infra/config.js';
import { NODE_RUNTIME, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS } from '../../infra/functions.js';
import { STREAM_RETRY_ATTEMPTS } from '../../infra/constructs/workers.js';
import { ROUTE_THROTTLES } from '../../infra/constructs/api.js';
import { Email } from '../../infra/constructs/email.js';
import { NO_TABLE, READ_ONLY, TOKEN_SIGNERS } from '../../infra/access.js';
import { handlerFile, routes, type RouteDef } from '../../shared/http/routes.js';
import { scheduledWorkers, streamWorkers } from '../../shared/workers.js';
import { tableDescription } from '../../shared/data/table.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON is untyped; the assertions check its shape
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

const context = {
  'aws:cdk:bundling-stacks': [],
  publicUrl: 'https://roster.test.example',
  senderEmail: 'sender@test.example',
  openSignUp: 'false',
  reconciliationSchedule: 'rate(15 minutes)',
  accessTokenTtlSeconds: '600',
};

let app: App;
let stack: RosterStack;
let template: Template;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (name: string) => stack.getLogicalId(stack.functions.get(name)!.node.defaultChild as never);
const fnProps = (name: string) => resources[logicalIdOf(name)]!.Properties;

/** Every IAM action the function's role may perform, from the inline policies attached to that role. */
function actionsOf(name: string): Set<string> {
  const roleId = fnProps(name).Role['Fn::GetAtt'][0] as string;
  const actions = new Set<string>();
  for (const [, policy] of ofType('AWS::IAM::Policy')) {
    if (!(policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId)) continue;
    for (const st of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Effect: string }[]) {
      if (st.Effect !== 'Allow') continue;
      for (const a of [st.Action].flat()) actions.add(a);
    }
  }
  return actions;
}

const allFunctionNames = () => [...stack.functions.keys()];

beforeAll(() => {
  // CDK's built-in CloudFormation schema validation takes ~15 s here; `npm run synth` runs it.
  app = new App({ context, builtinCloudFormationValidation: false });
  stack = new RosterStack(app, 'RosterTest', readStackConfig(app));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

describe('the table', () => {
  it('is built from shared/data/table.ts: keys, GSIs projecting ALL, TTL, stream, PITR, deletion protection, encryption', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const [, table] = tables[0]!;
    expect(table.DeletionPolicy).toBe('Retain');
    const p = table.Properties;
    expect(p.KeySchema).toEqual([
      { AttributeName: tableDescription.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDescription.sortKey, KeyType: 'RANGE' },
    ]);
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: tableDescription.ttlAttribute, Enabled: true });
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.DeletionProtectionEnabled).toBe(true);
    // SSEEnabled without a key: KMS with the AWS managed key (aws/dynamodb), visible in CloudTrail.
    expect(p.SSESpecification).toEqual({ SSEEnabled: true });
    expect(p.GlobalSecondaryIndexes).toEqual(tableDescription.gsis.map((g) => ({
      IndexName: g.name,
      KeySchema: [{ AttributeName: g.pk, KeyType: 'HASH' }, { AttributeName: g.sk, KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    })));
  });
});

describe('functions', () => {
  it('one Lambda per route, per worker, plus the $default handler — and nothing else', () => {
    const expected = routes.length + streamWorkers.length + scheduledWorkers.length + 1;
    expect(ofType('AWS::Lambda::Function')).toHaveLength(expected);
    expect(stack.functions.size).toBe(expected);
  });

  it('every function: the newest Node runtime, arm64, ESM bundle handler, memory/timeout from the route table', () => {
    expect(NODE_RUNTIME.name).toBe('nodejs24.x');
    for (const route of routes as readonly RouteDef[]) {
      const p = fnProps(route.operation);
      expect(p.Description).toBe(`${route.method} ${route.path} (${route.operation})`);
      expect(p.Runtime).toBe('nodejs24.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Handler).toBe('index.handler');
      expect(p.MemorySize).toBe(route.memoryMb ?? DEFAULT_MEMORY_MB);
      expect(p.Timeout).toBe(route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
    }
    expect(fnProps('exportMembers')).toMatchObject({ MemorySize: 1024, Timeout: 29 });
    // A large seat cut may take API Gateway's whole 29 s (the handler keeps a reserve to answer and email the admins).
    expect(fnProps('reconcileLicenses')).toMatchObject({ Timeout: 29 });
    for (const name of allFunctionNames()) expect(fnProps(name).Runtime).toBe('nodejs24.x');
  });

  it('every function gets every value shared/config.ts requires in Lambda, from context, and no local endpoints', () => {
    const source = readFileSync('shared/config.ts', 'utf8');
    const required = [...source.matchAll(/\b(?:read|readInt|requiredInLambda)\('([A-Z0-9_]+)'/g)].map((m) => m[1]!)
      // Lambda sets AWS_REGION itself (and refuses it as a function variable).
      .filter((n) => n !== 'AWS_REGION');
    expect(required).toEqual(expect.arrayContaining(['TABLE_NAME', 'PUBLIC_URL', 'SENDER_EMAIL', 'OPEN_SIGN_UP', 'SIGNING_KEY_ID', 'PEPPER_SECRET_ARN', 'OUTBOX_KEY_ID']));
    const keyId = stack.getLogicalId(stack.signingKey.node.defaultChild as never);
    for (const name of allFunctionNames()) {
      const env = fnProps(name).Environment.Variables as Record<string, unknown>;
      for (const n of required) expect(env[n], `${name} lacks ${n}`).toBeDefined();
      expect(env).toMatchObject({
        PUBLIC_URL: 'https://roster.test.example',
        SENDER_EMAIL: 'sender@test.example',
        OPEN_SIGN_UP: 'false',
        // From context, not from shared/config.ts or the shell that runs the synth.
        ACCESS_TOKEN_TTL_SECONDS: '600',
        SIGNING_KEY_ID: { 'Fn::GetAtt': [keyId, 'Arn'] },
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      });
      expect(env.TABLE_NAME).toEqual({ Ref: stack.getLogicalId(stack.table.node.defaultChild as never) });
      expect(env.PEPPER_SECRET_ARN).toBeDefined();
      expect(env.DYNAMODB_ENDPOINT).toBeUndefined();
      expect(env.SES_ENDPOINT).toBeUndefined();
    }
  });

  it('link tokens in the outbox are sealed by an RSA KMS key that only the notifier may decrypt', () => {
    const outboxKeyId = stack.getLogicalId(stack.outboxKey.node.defaultChild as never);
    const [, key] = ofType('AWS::KMS::Key').find(([id]) => id === outboxKeyId)!;
    expect(key.Properties).toMatchObject({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    expect(key.DeletionPolicy).toBe('Retain');
    const decrypters = allFunctionNames().filter((name) => actionsOf(name).has('kms:Decrypt'));
    expect(decrypters).toEqual(['send-outbox-email']);
    // Every function can seal (the public key) and knows which key: all of them share one environment.
    for (const name of allFunctionNames().filter((n) => n !== 'notFound')) {
      expect(fnProps(name).Environment.Variables.OUTBOX_KEY_ID, name).toEqual({ 'Fn::GetAtt': [outboxKeyId, 'Arn'] });
    }
    // The notifier's kms:Decrypt is on that key alone.
    const decryptStatements = ofType('AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
      .filter((st) => [st.Action].flat().includes('kms:Decrypt'));
    expect(decryptStatements).toHaveLength(1);
    expect(decryptStatements[0]!.Resource).toEqual({ 'Fn::GetAtt': [outboxKeyId, 'Arn'] });
  });

  it('tokens are signed by an asymmetric P-256 KMS key that is kept on stack deletion', () => {
    const [, key] = ofType('AWS::KMS::Key').find(([id]) => id === stack.getLogicalId(stack.signingKey.node.defaultChild as never))!;
    expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(key.DeletionPolicy).toBe('Retain');
  });
});

describe('the HTTP API', () => {
  /** route key → description of the Lambda its integration invokes. */
  function routeTargets(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [, route] of ofType('AWS::ApiGatewayV2::Route')) {
      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
      const integration = resources[integrationId]!.Properties;
      expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      const fnId = integration.IntegrationUri['Fn::GetAtt'][0] as string;
      out.set(route.Properties.RouteKey, resources[fnId]!.Properties.Description);
    }
    return out;
  }

  it('every route of the route table exists as `METHOD /path` and invokes its own handler', () => {
    const targets = routeTargets();
    for (const r of routes as readonly RouteDef[]) {
      expect(targets.get(`${r.method} ${r.path}`), `${r.method} ${r.path}`).toBe(`${r.method} ${r.path} (${r.operation})`);
    }
    const descriptions = [...targets.values()];
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });

  it('$default goes to the not-found handler, which is not in the route table', () => {
    expect(routeTargets().get('$default')).toBe("$default route: the contract's 404");
    expect(routes.map((r) => handlerFile(r.operation))).not.toContain('functions/not-found.ts');
  });

  it('the /_local routes are absent: the stack has exactly the route table plus $default', () => {
    const keys = [...routeTargets().keys()];
    expect(keys.sort()).toEqual([...routes.map((r) => `${r.method} ${r.path}`), '$default'].sort());
    expect(keys.some((k) => k.includes('/_local'))).toBe(false);
    expect(JSON.stringify(template.toJSON())).not.toContain('_local');
  });

  it('the stage throttles and writes JSON access logs without raw paths', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 } });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
    expect(Object.values(format)).not.toContain('$context.path');
    expect(stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][1]).toBe('Arn');
  });
});

describe('stream consumers and the scheduled job', () => {
  const dlqArn = () => ({ 'Fn::GetAtt': [stack.getLogicalId(stack.deadLetterQueue.node.defaultChild as never), 'Arn'] });

  it('each stream worker is fed by a filtered, retried, bisecting mapping with the DLQ as failure destination', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(streamWorkers.length);
    for (const w of streamWorkers) {
      const [, m] = mappings.find(([, r]) => r.Properties.FunctionName.Ref === logicalIdOf(w.name))!;
      expect(m.Properties).toEqual(expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [stack.getLogicalId(stack.table.node.defaultChild as never), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: w.batchSize,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: dlqArn() } },
      }));
      expect(m.Properties.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual([w.filter]);
    }
  });

  it('the dead-letter queue is encrypted, refuses plain HTTP, and has an alarm on its depth', () => {
    const queueId = stack.getLogicalId(stack.deadLetterQueue.node.defaultChild as never);
    expect(resources[queueId]!.Properties.SqsManagedSseEnabled).toBe(true);
    const [, policy] = ofType('AWS::SQS::QueuePolicy').find(([, p]) => p.Properties.Queues.some((q: { Ref: string }) => q.Ref === queueId))!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    const depth = ofType('AWS::CloudWatch::Alarm').find(([, a]) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(depth?.[1].Properties).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }] });
  });

  it('EventBridge Scheduler invokes the job on the schedule from context, with retries and the DLQ', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(scheduledWorkers.length);
    const job = scheduledWorkers[0]!;
    const [, s] = schedules[0]!;
    expect(s.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(s.Properties.Target).toMatchObject({
      Arn: { 'Fn::GetAtt': [logicalIdOf(job.name), 'Arn'] },
      DeadLetterConfig: { Arn: dlqArn() },
      RetryPolicy: { MaximumRetryAttempts: 2 },
    });
    expect(fnProps(job.name).Description).toBe(`schedule: ${job.name}`);
  });

  it('a job invocation that was delivered and then failed goes to the DLQ too (Lambda async on-failure destination)', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig');
    for (const job of scheduledWorkers) {
      const [, c] = configs.find(([, r]) => r.Properties.FunctionName.Ref === logicalIdOf(job.name))!;
      expect(c.Properties).toMatchObject({
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: dlqArn() } },
      });
      // The function's own role may send to that queue (Lambda delivers the failure record as the function).
      expect(actionsOf(job.name).has('sqs:SendMessage'), job.name).toBe(true);
    }
  });

  it('alarms cover every function\'s errors and the API\'s 5xx, all notifying one encrypted topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    const covered = new Set<string>();
    for (const [, a] of alarms) {
      for (const m of (a.Properties.Metrics ?? []) as { MetricStat?: { Metric: { MetricName: string; Dimensions: { Value: { Ref: string } }[] } } }[]) {
        if (m.MetricStat?.Metric.MetricName === 'Errors') covered.add(m.MetricStat.Metric.Dimensions[0]!.Value.Ref);
      }
      expect(a.Properties.AlarmActions).toHaveLength(1);
    }
    expect([...covered].sort()).toEqual(allFunctionNames().map(logicalIdOf).sort());
    expect(alarms.some(([, a]) => a.Properties.MetricName === '5xx' && a.Properties.Namespace === 'AWS/ApiGateway')).toBe(true);
    const [, topic] = ofType('AWS::SNS::Topic')[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('CloudWatch may publish to the alarm topic (its own policy replaces SNS\'s default), from this account\'s alarms only', () => {
    const [topicId] = ofType('AWS::SNS::Topic')[0]!;
    const policies = ofType('AWS::SNS::TopicPolicy').filter(([, p]) => p.Properties.Topics.some((t: { Ref: string }) => t.Ref === topicId));
    expect(policies).toHaveLength(1);
    const statements = policies[0]![1].Properties.PolicyDocument.Statement as Record<string, unknown>[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const allow = statements.filter((st) => st.Effect === 'Allow');
    expect(allow).toEqual([expect.objectContaining({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: topicId },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
      },
    })]);
  });
});

describe('least privilege', () => {
  /** Reachable code of each handler (project code bundled, packages left as imports), to check the lists against. */
  let bundles: Map<string, string>;
  beforeAll(async () => {
    const entries = new Map<string, string>([
      ...routes.map((r) => [r.operation, handlerFile(r.operation)] as [string, string]),
      ...streamWorkers.map((w) => [w.name, w.handlerFile] as [string, string]),
      ...scheduledWorkers.map((w) => [w.name, w.handlerFile] as [string, string]),
    ]);
    const out = await build({
      entryPoints: Object.fromEntries(entries), bundle: true, write: false, packages: 'external',
      platform: 'node', format: 'esm', outdir: '/nonexistent', logLevel: 'silent',
    });
    bundles = new Map(out.outputFiles.map((f) => [f.path.replace(/^.*\//, '').replace(/\.js$/, ''), f.text]));
    expect(bundles.size).toBe(entries.size);
  });

  it('kms:Sign belongs exactly to the handlers that can issue access tokens', () => {
    const signersByCode = [...bundles].filter(([, code]) => /function issueAccessToken\(/.test(code)).map(([name]) => name);
    expect(signersByCode.sort()).toEqual([...TOKEN_SIGNERS].sort());
    for (const name of allFunctionNames()) {
      expect(actionsOf(name).has('kms:Sign'), name).toBe((TOKEN_SIGNERS as readonly string[]).includes(name));
    }
  });

  it('only the notifier may send email (and only the notifier\'s code talks to SES)', () => {
    const sesByCode = [...bundles].filter(([, code]) => code.includes('@aws-sdk/client-sesv2')).map(([name]) => name);
    expect(sesByCode).toEqual(['send-outbox-email']);
    for (const name of allFunctionNames()) {
      expect(actionsOf(name).has('ses:SendEmail'), name).toBe(name === 'send-outbox-email');
    }
    const sendStatements = ofType('AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown; Condition: unknown }[])
      .filter((st) => [st.Action].flat().includes('ses:SendEmail'));
    expect(sendStatements).toHaveLength(1);
    const [identityId, identity] = ofType('AWS::SES::EmailIdentity')[0]!;
    expect(identity.Properties.EmailIdentity).toBe('sender@test.example');
    const [configSetId] = ofType('AWS::SES::ConfigurationSet')[0]!;
    const arn = (tail: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...tail]] });
    // Any identity (the SES sandbox also authorizes against the recipient's), the configuration set — and only as our sender.
    expect(sendStatements[0]).toEqual({
      Effect: 'Allow',
      Action: 'ses:SendEmail',
      Resource: [arn([':identity/*']), arn([':configuration-set/', { Ref: configSetId }])],
      Condition: { StringEquals: { 'ses:FromAddress': 'sender@test.example' } },
    });
    expect(identityId).toBeDefined();
  });

  it('table access: none for static handlers, read-only for verified readers, read/write for the rest', () => {
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    for (const r of routes) {
      const actions = actionsOf(r.operation);
      const reads = actions.has('dynamodb:GetItem') && actions.has('dynamodb:Query');
      const writesAny = writes.some((a) => actions.has(a));
      if ((NO_TABLE as readonly string[]).includes(r.operation)) expect([reads, writesAny], r.operation).toEqual([false, false]);
      else if ((READ_ONLY as readonly string[]).includes(r.operation)) expect([reads, writesAny], r.operation).toEqual([true, false]);
      else expect([reads, writesAny], r.operation).toEqual([true, true]);
    }
    // Only GET routes can be read-only or table-free.
    for (const op of [...READ_ONLY, ...NO_TABLE]) expect(routes.find((r) => r.operation === op)?.method).toBe('GET');
  });

  it('the table-free handlers really make no DynamoDB call (run in-process, metered)', async () => {
    const { startCapacityMeter } = await import('../../shared/data/capacity-meter.js');
    const { invoke } = await import('../../local/invoke.js');
    const meter = startCapacityMeter();
    try {
      for (const op of NO_TABLE) {
        const route = routes.find((r) => r.operation === op)!;
        const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, 'x'.repeat(43)]));
        const rawPath = route.path.replace(/\{(\w+)\}/g, 'x'.repeat(43));
        const res = await invoke(handlerFile(op), {
          version: '2.0', routeKey: `${route.method} ${route.path}`, rawPath, rawQueryString: '', headers: {},
          pathParameters: params, isBase64Encoded: false,
          requestContext: { http: { method: route.method, path: rawPath }, requestId: 'infra-test', timeEpoch: Date.now() },
        }) as { statusCode: number };
        expect(res.statusCode, op).toBe(200);
      }
      expect(meter.snapshot().calls).toBe(0);
    } finally {
      meter.stop();
    }
  });

  it('every function but the 404 handler can verify tokens and read the pepper; the 404 handler can do nothing', () => {
    for (const name of allFunctionNames().filter((n) => n !== 'notFound')) {
      const a = actionsOf(name);
      expect(a.has('kms:GetPublicKey') && a.has('secretsmanager:GetSecretValue'), name).toBe(true);
    }
    // Beyond its logs, the 404 handler may only send its traces.
    expect([...actionsOf('notFound')].sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('nothing is granted on Resource "*" but the actions that have no resource-level permissions', () => {
    const onStar = new Set<string>();
    for (const [, p] of ofType('AWS::IAM::Policy')) {
      for (const st of p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown; Effect: string }[]) {
        if (st.Effect === 'Allow' && [st.Resource].flat().includes('*')) for (const a of [st.Action].flat()) onStar.add(a as string);
      }
    }
    expect([...onStar].sort()).toEqual(['dynamodb:ListStreams', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });
});

describe('cdk-nag', () => {
  it('AwsSolutions checks pass with only the acknowledged, justified findings', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map((v) => `${v.ruleName} (${v.severity}): ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('operations: what would otherwise fail silently', () => {
  const alarmsOn = (namespace: string, metricName: string) => ofType('AWS::CloudWatch::Alarm')
    .filter(([, a]) => a.Properties.Namespace === namespace && a.Properties.MetricName === metricName);
  /** Metrics inside metric-math alarms: `namespace/metric` → dimension values seen. */
  function mathMetrics(): { name: string; dims: Record<string, unknown> }[] {
    return ofType('AWS::CloudWatch::Alarm').flatMap(([, a]) => ((a.Properties.Metrics ?? []) as { MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }[])
      .filter((m) => m.MetricStat).map((m) => ({
        name: `${m.MetricStat!.Metric.Namespace}/${m.MetricStat!.Metric.MetricName}`,
        dims: Object.fromEntries(m.MetricStat!.Metric.Dimensions.map((d) => [d.Name, d.Value])),
      })));
  }

  it('every function traces with X-Ray (active)', () => {
    for (const name of allFunctionNames()) expect(fnProps(name).TracingConfig, name).toEqual({ Mode: 'Active' });
  });

  it('every function\'s throttles are alarmed (metric math, ten functions an alarm)', () => {
    const throttled = mathMetrics().filter((m) => m.name === 'AWS/Lambda/Throttles').map((m) => (m.dims.FunctionName as { Ref: string }).Ref);
    expect(throttled.sort()).toEqual(allFunctionNames().map(logicalIdOf).sort());
  });

  it('table throttles are alarmed for the table and every index, reads and writes', () => {
    const tableRef = { Ref: stack.getLogicalId(stack.table.node.defaultChild as never) };
    const seen = mathMetrics().filter((m) => m.name.startsWith('AWS/DynamoDB/')).map((m) => `${m.name} ${m.dims.GlobalSecondaryIndexName ?? '(table)'}`);
    for (const m of mathMetrics().filter((x) => x.name.startsWith('AWS/DynamoDB/'))) expect(m.dims.TableName).toEqual(tableRef);
    const expected = ['ReadThrottleEvents', 'WriteThrottleEvents'].flatMap((metric) => ['(table)', ...tableDescription.gsis.map((g) => g.name)].map((ix) => `AWS/DynamoDB/${metric} ${ix}`));
    expect(seen.sort()).toEqual(expected.sort());
  });

  it('each stream consumer has an iterator-age alarm (records expire after 24 h)', () => {
    const alarms = alarmsOn('AWS/Lambda', 'IteratorAge');
    expect(alarms.map(([, a]) => a.Properties.Dimensions[0].Value.Ref).sort()).toEqual(streamWorkers.map((w) => logicalIdOf(w.name)).sort());
    for (const [, a] of alarms) expect(a.Properties).toMatchObject({ Statistic: 'Maximum', Threshold: 15 * 60 * 1000, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('failed sends and skipped reconciliations are counted from the logs and alarmed', () => {
    const filters = ofType('AWS::Logs::MetricFilter');
    const logGroupOf = (name: string) => fnProps(name).LoggingConfig.LogGroup.Ref as string;
    const expectations = [
      { fn: 'send-outbox-email', message: 'outbox delivery failed', metric: 'OutboxSendFailures' },
      { fn: 'license-reconciliation', message: 'license reconciliation failed for a workspace', metric: 'ReconciliationFailures' },
    ];
    for (const e of expectations) {
      const [, f] = filters.find(([, x]) => x.Properties.LogGroupName.Ref === logGroupOf(e.fn))!;
      expect(f.Properties).toMatchObject({ FilterPattern: `{ $.message = "${e.message}" }`, MetricTransformations: [{ MetricNamespace: 'Roster', MetricName: e.metric, MetricValue: '1' }] });
      expect(alarmsOn('Roster', e.metric)[0]?.[1].Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
    // The messages are the ones the code logs.
    expect(readFileSync('functions/send-outbox-email.ts', 'utf8')).toContain("'outbox delivery failed'");
    expect(readFileSync('shared/domain/licenses.ts', 'utf8')).toContain("'license reconciliation failed for a workspace'");
  });

  it('SES reputation is alarmed below the rates at which SES reviews the account', () => {
    expect(alarmsOn('AWS/SES', 'Reputation.BounceRate')[0]?.[1].Properties).toMatchObject({ Threshold: 0.05, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarmsOn('AWS/SES', 'Reputation.ComplaintRate')[0]?.[1].Properties).toMatchObject({ Threshold: 0.001, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('every alarm notifies the topic', () => {
    const topicRef = { Ref: ofType('AWS::SNS::Topic')[0]![0] };
    for (const [id, a] of ofType('AWS::CloudWatch::Alarm')) expect(a.Properties.AlarmActions, id).toEqual([topicRef]);
  });

  it('sending goes through a configuration set: reputation metrics, bounce/complaint suppression, events to CloudWatch', () => {
    const [setId, set] = ofType('AWS::SES::ConfigurationSet')[0]!;
    expect(set.Properties).toMatchObject({
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    const [, destination] = ofType('AWS::SES::ConfigurationSetEventDestination')[0]!;
    expect(destination.Properties.ConfigurationSetName).toEqual({ Ref: setId });
    expect(destination.Properties.EventDestination).toMatchObject({
      Enabled: true,
      CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'ses:configuration-set', DimensionValueSource: 'messageTag', DefaultDimensionValue: 'none' }] },
    });
    expect(destination.Properties.EventDestination.MatchingEventTypes).toEqual(expect.arrayContaining(['bounce', 'complaint', 'reject', 'deliveryDelay']));
    // The sender identity's default configuration set, so every send uses it.
    const [, identity] = ofType('AWS::SES::EmailIdentity')[0]!;
    expect(identity.Properties.ConfigurationSetAttributes).toEqual({ ConfigurationSetName: { Ref: setId } });
  });

  it('abuse-prone routes have their own throttle beneath the stage default', () => {
    const [stageId, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const expected = Object.fromEntries(Object.entries(ROUTE_THROTTLES).map(([op, t]) => {
      const r = routes.find((x) => x.operation === op)!;
      return [`${r.method} ${r.path}`, { ThrottlingRateLimit: t!.rateLimit, ThrottlingBurstLimit: t!.burstLimit }];
    }));
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['POST /auth/email-link', 'POST /oauth/token']));
    expect(stage.Properties.RouteSettings).toEqual(expected);
    for (const t of Object.values(ROUTE_THROTTLES)) expect(t!.rateLimit).toBeLessThan(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit);
    // Route settings may only name existing routes: the stage is created after them.
    const routeIds = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey in expected).map(([id]) => id);
    expect(routeIds).toHaveLength(Object.keys(expected).length);
    expect((resources[stageId] as Resource & { DependsOn?: string[] }).DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('the token issuer and email links are publicUrl when configured', () => {
    for (const name of allFunctionNames()) expect(fnProps(name).Environment.Variables.PUBLIC_URL).toBe('https://roster.test.example');
  });
});

describe('a first deploy without publicUrl or senderDomain', () => {
  let bare: Record<string, Resource>;
  let bareStack: RosterStack;
  beforeAll(() => {
    const { publicUrl: _omitted, ...rest } = context;
    const a = new App({ context: rest, builtinCloudFormationValidation: false });
    bareStack = new RosterStack(a, 'RosterBare', readStackConfig(a));
    bare = Template.fromStack(bareStack).toJSON().Resources;
  });

  it('points the issuer and every emailed link at the API\'s own endpoint', () => {
    const apiId = bareStack.getLogicalId(bareStack.api.node.defaultChild as never);
    const fns = Object.values(bare).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(fns.length).toBe(bareStack.functions.size);
    for (const fn of fns) expect(fn.Properties.Environment.Variables.PUBLIC_URL).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
  });

  it('verifies the sender address (no domain given), not a domain', () => {
    const identities = Object.values(bare).filter((r) => r.Type === 'AWS::SES::EmailIdentity');
    expect(identities.map((i) => i.Properties.EmailIdentity)).toEqual(['sender@test.example']);
  });
});

describe('a sender domain from context', () => {
  it('is verified as a domain identity with Easy DKIM signing, and the sender must belong to it', () => {
    const s = new Stack(new App(), 'EmailOnly');
    new Email(s, 'Email', { senderEmail: 'no-reply@mail.example.com', senderDomain: 'mail.example.com' });
    const [identity] = Object.values(Template.fromStack(s).toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === 'AWS::SES::EmailIdentity');
    expect(identity!.Properties).toMatchObject({ EmailIdentity: 'mail.example.com', DkimAttributes: { SigningEnabled: true } });
    // Easy DKIM: no key of ours to manage (no BYODKIM), SES publishes three CNAME tokens.
    expect(identity!.Properties.DkimSigningAttributes).toBeUndefined();
    const ctx = (c: Record<string, unknown>) => readStackConfig(new App({ context: { senderEmail: 'no-reply@mail.example.com', ...c } }));
    expect(ctx({ senderDomain: 'Mail.Example.com' }).senderDomain).toBe('mail.example.com');
    expect(() => ctx({ senderDomain: 'other.example.com' })).toThrow(/senderDomain: senderEmail must be an address at senderDomain/);
  });
});
