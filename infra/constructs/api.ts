/**
 * The HTTP API: one Lambda per route of the route table, the `$default` 404 handler,
 * one stage with throttling and JSON access logs. `/_local/*` routes are local-server
 * code and cannot reach it.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerFile, routes, type Operation, type RouteDef } from '../../shared/http/routes.js';
import { accessOf, type FunctionAccess } from '../access.js';
import { NOT_FOUND_HANDLER_FILE } from '../bundling.js';
import { pascal, type LambdaFactory } from '../functions.js';

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
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(operation)}Integration`, fn),
      });
    }
  }

  /** The API's own endpoint (`https://{id}.execute-api.{region}.amazonaws.com`). */
  get url(): string {
    return this.stage.url;
  }
}
