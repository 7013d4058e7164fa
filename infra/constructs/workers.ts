/** The stream consumers of shared/workers.ts: filtered, retried, bisecting, failures to the dead-letter queue. */
import { Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { streamWorkers } from '../../shared/workers.js';
import { pascal, type LambdaFactory } from '../functions.js';

export const STREAM_RETRY_ATTEMPTS = 5;
export const STREAM_WORKER_TIMEOUT_SECONDS = 60;

export interface StreamWorkersProps {
  lambdas: LambdaFactory;
  table: Table;
  deadLetterQueue: IQueue;
}

export class StreamWorkers extends Construct {
  constructor(scope: Construct, id: string, { lambdas, table, deadLetterQueue }: StreamWorkersProps) {
    super(scope, id);
    for (const worker of streamWorkers) {
      const role = lambdas.newServiceRole(this, `${pascal(worker.name)}Role`, `Roster stream consumer ${worker.name}`, { table: 'readwrite', signsTokens: false });
      const fn = lambdas.make(this, worker.name, {
        id: `${pascal(worker.name)}Fn`,
        entry: worker.handlerFile,
        description: `stream: ${worker.name}`,
        role,
        timeoutSeconds: STREAM_WORKER_TIMEOUT_SECONDS,
      });
      fn.addEventSource(new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: worker.batchSize,
        bisectBatchOnError: true,
        retryAttempts: STREAM_RETRY_ATTEMPTS,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(deadLetterQueue),
        filters: [FilterCriteria.filter(worker.filter)],
      }));
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'dynamodb:ListStreams (added by the event source mapping) has no resource-level permissions; the stream read actions themselves are scoped to this table\'s stream.',
      });
    }
  }
}
