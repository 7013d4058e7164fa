/**
 * How the stack makes a Lambda function and its role: one place for the runtime,
 * architecture, bundling, log group, environment and the grants every function shares.
 * The constructs that own functions (API, workers, schedule) call it; it keeps every
 * function by name for the alarms and the tests.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, Role, ServicePrincipal, type IManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionAccess } from './access.js';
import { bundlingSettings } from './bundling.js';
import type { TokenKeys } from './constructs/token-keys.js';

/** The newest Node.js runtime aws-cdk-lib 2.276 knows (cdk-nag L1 flags anything older). */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;
export const DEFAULT_MEMORY_MB = 512;
export const DEFAULT_TIMEOUT_SECONDS = 10;

export interface FunctionSpec {
  /** Construct id, PascalCase. */
  id: string;
  entry: string;
  description: string;
  role: Role;
  memoryMb?: number;
  timeoutSeconds?: number;
}

export const pascal = (s: string) => s.replace(/(^|[-_\s])(\w)/g, (_m, _sep, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase());

export class LambdaFactory {
  /** Every Lambda by its name: the operation for routes, the worker name for workers, `notFound`. */
  readonly functions = new Map<string, NodejsFunction>();
  private basicExecution?: IManagedPolicy;

  constructor(
    private readonly table: Table,
    private readonly keys: TokenKeys,
    /** The variables every function gets (shared/config.ts reads them). */
    private readonly environment: Record<string, string>,
  ) {}

  /** A Lambda execution role that can write its own logs and nothing else yet. */
  newRole(scope: Construct, id: string, description: string): Role {
    this.basicExecution ??= ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole');
    const role = new Role(scope, id, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [this.basicExecution],
      description,
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only allows writing the function\'s own CloudWatch logs; it is the standard Lambda logging policy.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) have no resource-level permissions; test/infra checks that nothing else is granted on *.',
    });
    return role;
  }

  /** A role for code that verifies tokens (every function but the 404), with the table access it needs. */
  newServiceRole(scope: Construct, id: string, description: string, access: FunctionAccess): Role {
    const role = this.newRole(scope, id, description);
    if (access.table !== 'none') {
      if (access.table === 'read') this.table.grantReadData(role);
      else this.table.grantReadWriteData(role);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(scope).getLogicalId(this.table.node.defaultChild as never)}.Arn>/index/*]`,
        reason: 'The table\'s GSIs (index/*) of this one table; queries by index need the index ARNs, and all of them are ours.',
      });
    }
    this.keys.grantVerify(role);
    if (access.signsTokens) this.keys.grantSign(role);
    return role;
  }

  make(scope: Construct, name: string, spec: FunctionSpec): NodejsFunction {
    const logGroup = new LogGroup(scope, `${spec.id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const fn = new NodejsFunction(scope, spec.id, {
      entry: spec.entry,
      description: spec.description,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      role: spec.role,
      logGroup,
      // X-Ray active tracing: each invocation's SDK calls (DynamoDB, KMS, SES) as segments.
      tracing: Tracing.ACTIVE,
      environment: this.environment,
      bundling: { ...bundlingSettings, format: OutputFormat.ESM, mainFields: [...bundlingSettings.mainFields], externalModules: [...bundlingSettings.externalModules] },
    });
    if (this.functions.has(name)) throw new Error(`Two functions named ${name}`);
    this.functions.set(name, fn);
    return fn;
  }

  get(name: string): NodejsFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`No function named ${name}`);
    return fn;
  }
}
