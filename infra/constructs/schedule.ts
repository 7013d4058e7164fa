/** The scheduled jobs of shared/workers.ts, invoked by EventBridge Scheduler on the schedule from context. */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { scheduledWorkers } from '../../shared/workers.js';
import { pascal, type LambdaFactory } from '../functions.js';

export const JOB_MEMORY_MB = 1024;
export const JOB_TIMEOUT_SECONDS = 300;
export const JOB_ASYNC_RETRY_ATTEMPTS = 2;

export interface ScheduledJobsProps {
  lambdas: LambdaFactory;
  deadLetterQueue: IQueue;
  /** Scheduled worker's context key → its schedule expression. */
  schedules: Record<string, string>;
}

export class ScheduledJobs extends Construct {
  constructor(scope: Construct, id: string, { lambdas, deadLetterQueue, schedules }: ScheduledJobsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    for (const job of scheduledWorkers) {
      const name = pascal(job.name);
      const fn = lambdas.make(this, job.name, {
        id: `${name}Fn`,
        entry: job.handlerFile,
        description: `schedule: ${job.name}`,
        role: lambdas.newServiceRole(this, `${name}Role`, `Roster scheduled job ${job.name}`, { table: 'readwrite', signsTokens: false }),
        memoryMb: JOB_MEMORY_MB,
        timeoutSeconds: JOB_TIMEOUT_SECONDS,
      });
      // The scheduler's DLQ only catches events it could not deliver. An invocation that was
      // delivered and then failed (Lambda retries async invocations twice) lands here too.
      fn.configureAsyncInvoke({ onFailure: new SqsDestination(deadLetterQueue), retryAttempts: JOB_ASYNC_RETRY_ATTEMPTS, maxEventAge: Duration.hours(1) });
      const schedulerRole = new Role(this, `${name}SchedulerRole`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
        description: `EventBridge Scheduler: invoke ${job.name}`,
      });
      Validations.of(schedulerRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as never)}.Arn>:*]`,
        reason: 'grantInvoke covers the job function\'s versions and aliases (ARN:*) — that one function only.',
      });
      new Schedule(this, `${name}Schedule`, {
        description: `Roster ${job.name}`,
        schedule: ScheduleExpression.expression(schedules[job.scheduleContext]!),
        target: new LambdaInvoke(fn, {
          input: ScheduleTargetInput.fromObject({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', time: ContextAttribute.scheduledTime }),
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue,
          role: schedulerRole,
        }),
      });
    }
  }
}
