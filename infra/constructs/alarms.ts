/**
 * Alarms and the encrypted topic they notify. Besides errors and 5xx, each alarm
 * watches something that otherwise fails without anyone noticing: emails the
 * notifier could not send (retried quietly, partial batch failures are not Lambda
 * errors), a stream falling behind its 24 h retention, throttled functions or table
 * requests, a workspace the reconciliation job skipped, and the SES reputation rates
 * at which SES reviews and then pauses the account's sending.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tableDescription } from '../../shared/data/table.js';

export interface AlarmsProps {
  functions: ReadonlyMap<string, IFunction>;
  /** Stream consumers: their iterator age. */
  streamFunctions: readonly IFunction[];
  api: HttpApi;
  table: Table;
  deadLetterQueue: Queue;
  /** The notifier, whose failed sends are counted from its log. */
  notifier: LambdaFunction;
  /** The reconciliation job, whose skipped workspaces are counted from its log. */
  reconciliationJob: LambdaFunction;
  alarmEmail?: string;
}

/** Custom metrics counted from the functions' structured logs. */
export const METRIC_NAMESPACE = 'Roster';
/** Stream records older than this mean the consumer is stuck or failing (the stream keeps 24 h). */
export const ITERATOR_AGE_ALARM_MS = 15 * 60 * 1000;
/** SES reviews an account at a 5 % bounce rate and 0.1 % complaint rate (and pauses at 10 % / 0.5 %). */
export const SES_BOUNCE_RATE_ALARM = 0.05;
export const SES_COMPLAINT_RATE_ALARM = 0.001;

const FIVE_MINUTES = Duration.minutes(5);

export class Alarms extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const key = new Key(this, 'TopicKey', { description: 'Roster alarm topic encryption', enableKeyRotation: true });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: without
    // this statement CloudWatch may not publish, and every alarm would fire into nothing.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(new PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      },
    }));
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);

    // One alarm per ten functions and metric: a metric-math alarm may combine at most ten metrics.
    const all = [...props.functions.entries()];
    for (let i = 0; i < all.length; i += 10) {
      const group = all.slice(i, i + 10);
      const names = group.map(([name]) => name).join(', ');
      this.sumAlarm(`FunctionErrors${i / 10 + 1}`, `Lambda errors in: ${names}`, 'Errors', group.map(([, fn]) => fn.metricErrors({ period: FIVE_MINUTES })));
      this.sumAlarm(`FunctionThrottles${i / 10 + 1}`, `Lambda throttles (account concurrency exhausted?) in: ${names}`, 'Throttles', group.map(([, fn]) => fn.metricThrottles({ period: FIVE_MINUTES })));
    }
    this.alarm('FailedWork', 'Stream records or scheduled jobs failed after all retries (see the FailedWork queue)',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }), 0, ComparisonOperator.GREATER_THAN_THRESHOLD);
    this.alarm('Api5xx', 'The API answered with 5xx', props.api.metricServerError({ period: FIVE_MINUTES }), 1);

    for (const fn of props.streamFunctions) {
      this.alarm(`IteratorAge${fn.node.id}`, `Stream consumer ${fn.node.id} is more than ${ITERATOR_AGE_ALARM_MS / 60_000} minutes behind (records expire after 24 h)`,
        fn.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES }), ITERATOR_AGE_ALARM_MS, ComparisonOperator.GREATER_THAN_THRESHOLD);
    }

    // Table throttling, base table and every index, reads and writes.
    const tableName = props.table.tableName;
    const throttleMetrics: IMetric[] = ['ReadThrottleEvents', 'WriteThrottleEvents'].flatMap((metricName) => [
      new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: tableName }, period: FIVE_MINUTES, statistic: 'Sum' }),
      ...tableDescription.gsis.map(({ name: index }) =>
        new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: tableName, GlobalSecondaryIndexName: index }, period: FIVE_MINUTES, statistic: 'Sum' })),
    ]);
    this.sumAlarm('TableThrottles', 'DynamoDB throttled requests on the table or an index', 'ThrottleEvents', throttleMetrics);

    // Failures that are handled (and so never Lambda errors), counted from the structured logs.
    this.logAlarm('OutboxSendFailures', props.notifier, 'outbox delivery failed', 'OutboxSendFailures',
      'The notifier could not send an email (SES refused it or was unreachable); it retries, then parks the record in FailedWork; the outbox-redrive job resends it once SES works (docs/deploy.md runbook).');
    this.logAlarm('ReconciliationFailures', props.reconciliationJob, 'license reconciliation failed for a workspace', 'ReconciliationFailures',
      'The reconciliation job skipped a workspace after an error (it stays listed and is retried next run).');

    // The account's SES reputation (published because the configuration set enables reputation metrics).
    this.alarm('SesBounceRate', `SES bounce rate above ${SES_BOUNCE_RATE_ALARM * 100} % (SES reviews the account here and pauses sending at 10 %)`,
      new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', statistic: 'Maximum', period: Duration.hours(1) }), SES_BOUNCE_RATE_ALARM, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
    this.alarm('SesComplaintRate', `SES complaint rate above ${SES_COMPLAINT_RATE_ALARM * 100} % (SES reviews the account here and pauses sending at 0.5 %)`,
      new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', statistic: 'Maximum', period: Duration.hours(1) }), SES_COMPLAINT_RATE_ALARM, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
  }

  private alarm(id: string, description: string, metric: IMetric, threshold: number, comparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD): Alarm {
    const alarm = new Alarm(this, id, { alarmDescription: description, metric, threshold, evaluationPeriods: 1, comparisonOperator, treatMissingData: TreatMissingData.NOT_BREACHING });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  private sumAlarm(id: string, description: string, label: string, metrics: IMetric[]): Alarm {
    const usingMetrics = Object.fromEntries(metrics.map((m, j) => [`m${j}`, m]));
    return this.alarm(id, description, new MathExpression({ expression: `SUM([${Object.keys(usingMetrics).join(',')}])`, usingMetrics, period: FIVE_MINUTES, label }), 1);
  }

  private logAlarm(id: string, fn: LambdaFunction, message: string, metricName: string, description: string): Alarm {
    const filter = new MetricFilter(this, `${id}Filter`, {
      logGroup: fn.logGroup,
      // Powertools Logger writes one JSON object per line.
      filterPattern: FilterPattern.stringValue('$.message', '=', message),
      metricNamespace: METRIC_NAMESPACE,
      metricName,
      metricValue: '1',
      defaultValue: 0,
    });
    return this.alarm(id, description, filter.metric({ statistic: 'Sum', period: FIVE_MINUTES }), 1);
  }
}
