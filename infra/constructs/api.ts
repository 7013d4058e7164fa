/**
 * The HTTP API: one Lambda per route of the route table, the `$default` 404 handler,
 * one stage with throttling and JSON access logs. `/_local/*` routes are local-server
 * code and cannot reach it.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerFile, routes, type Operation, type RouteDef } from '../../shared/http/routes.js';
import { accessOf, type FunctionAccess } from '../access.js';
import { NOT_FOUND_HANDLER_FILE } from '../bundling.js';
import { pascal, type LambdaFactory } from '../functions.js';

/**
 * Routes that do costly or abusable work for anonymous callers get their own, lower
 * throttle (API Gateway answers 429 past it), beneath the stage's default for every route.
 * Each sign-in link request sends an email (SES quotas and reputation), and the token
 * endpoints are where credentials are guessed. The per-email and per-client limits in
 * the code still apply underneath.
 */
export const ROUTE_THROTTLES: Partial<Record<Operation, { rateLimit: number; burstLimit: number }>> = {
  requestEmailLink: { rateLimit: 5, burstLimit: 10 },
  consumeEmailLink: { rateLimit: 10, burstLimit: 20 },
  issueToken: { rateLimit: 25, burstLimit: 50 },
  revokeToken: { rateLimit: 10, burstLimit: 20 },
};

export interface RosterApiProps {
  lambdas: LambdaFactory;
  rateLimit: number;
  burstLimit: number;
}

export class RosterApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: RosterApiProps) {
    super(scope, id);
    const { lambdas } = props;

    const notFound = lambdas.make(this, 'notFound', {
      id: 'NotFoundFn',
      entry: NOT_FOUND_HANDLER_FILE,
      description: '$default route: the contract\'s 404',
      role: lambdas.newRole(this, 'NotFoundRole', 'Roster $default route: logs only'),
    });

    this.api = new HttpApi(this, 'HttpApi', {
      description: 'Roster workspace membership & access API',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('NotFoundIntegration', notFound),
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Authorization is done in each function by the shared middleware: ES256 access tokens verified against our own KMS key, then workspace permissions from the table. An API Gateway JWT authorizer could not express workspace permissions, and public routes (sign-in, JWKS, invitations) must stay open.',
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
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

    // HTTP functions with the same needs share one role that holds exactly those needs:
    // the same least privilege as a role per function, at a third of the IAM resources
    // (CloudFormation allows 500 resources per stack).
    const roles = new Map<string, Role>();
    const roleFor = (access: FunctionAccess): Role => {
      const key = `${access.table}${access.signsTokens ? 'Signing' : ''}`;
      let role = roles.get(key);
      if (!role) {
        role = lambdas.newServiceRole(this, `${pascal(key)}Role`, `Roster HTTP functions: table ${access.table}${access.signsTokens ? ', signs tokens' : ''}`, access);
        roles.set(key, role);
      }
      return role;
    };

    const cfnStage = this.stage.node.defaultChild as CfnStage;
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of routes as readonly RouteDef[]) {
      const operation = route.operation as Operation;
      const fn = lambdas.make(this, operation, {
        id: `${pascal(operation)}Fn`,
        entry: handlerFile(operation),
        description: `${route.method} ${route.path} (${operation})`,
        role: roleFor(accessOf(operation)),
        memoryMb: route.memoryMb,
        timeoutSeconds: route.timeoutSeconds,
      });
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(operation)}Integration`, fn),
      });
      const throttle = ROUTE_THROTTLES[operation];
      if (throttle) {
        routeSettings[`${route.method} ${route.path}`] = { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit };
        // A stage's route settings may name only routes that already exist.
        cfnStage.node.addDependency(httpRoute!);
      }
    }
    cfnStage.routeSettings = routeSettings;
  }

  /** The API's own endpoint (`https://{id}.execute-api.{region}.amazonaws.com`). */
  get url(): string {
    return this.stage.url;
  }
}
