/**
 * Feeds DynamoDB Local's stream to the stream workers, as Lambda's event source
 * mapping does in AWS: same filters, same record shape, per-record retries with a
 * dead-letter list after the last attempt.
 */
import {
  DynamoDBStreamsClient, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { streamWorkers, matchesFilter, type StreamWorker } from '../shared/workers.js';
import { invoke } from './invoke.js';
import { localDynamoClient } from './table.js';

const MAX_ATTEMPTS = 3;

export interface DeadLetter {
  worker: string;
  eventID?: string;
  error: string;
}

export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private streamArn?: string;
  private readonly iterators = new Map<string, string | null>();
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  readonly deadLetters: DeadLetter[] = [];
  /** Keys deleted by the local TTL sweep; their REMOVE records get DynamoDB's TTL identity. */
  readonly ttlDeletedKeys = new Set<string>();

  constructor(private readonly endpoint: string, private readonly tableName: string, private readonly workers: StreamWorker[] = streamWorkers) {
    this.streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }

  async init(): Promise<void> {
    const client = localDynamoClient(this.endpoint);
    const t = await client.send(new DescribeTableCommand({ TableName: this.tableName }));
    client.destroy();
    this.streamArn = t.Table?.LatestStreamArn;
    if (!this.streamArn) throw new Error(`Table ${this.tableName} has no stream`);
    await this.discoverShards('TRIM_HORIZON');
  }

  private async discoverShards(type: 'TRIM_HORIZON' | 'LATEST'): Promise<void> {
    const desc = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of desc.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.iterators.has(shard.ShardId)) continue;
      const it = await this.streams.send(new GetShardIteratorCommand({
        StreamArn: this.streamArn, ShardId: shard.ShardId, ShardIteratorType: type,
      }));
      this.iterators.set(shard.ShardId, it.ShardIterator ?? null);
    }
  }

  start(intervalMs = 250): void {
    const tick = () => {
      this.running = this.running.then(async () => { await this.pollOnce(); }).catch((err) => console.error('[local] stream poll failed', err))
        .finally(() => { if (this.timer) this.timer = setTimeout(tick, intervalMs); });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.running;
    this.streams.destroy();
  }

  /** Process everything currently in the stream (tests and jobs call this to wait for side effects). */
  async drain(): Promise<void> {
    this.running = this.running.then(async () => {
      for (let i = 0; i < 50; i++) {
        if ((await this.pollOnce()) === 0) return;
      }
    });
    await this.running;
  }

  private async pollOnce(): Promise<number> {
    await this.discoverShards('TRIM_HORIZON');
    let total = 0;
    for (const [shardId, iterator] of this.iterators) {
      if (!iterator) continue;
      const out = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      this.iterators.set(shardId, out.NextShardIterator ?? null);
      const records = out.Records ?? [];
      total += records.length;
      if (records.length) await this.dispatch(records);
    }
    return total;
  }

  private tagTtlDeletion(r: StreamRecord): StreamRecord {
    if (r.eventName !== 'REMOVE') return r;
    const keys = r.dynamodb?.Keys;
    const id = `${keys?.PK?.S}|${keys?.SK?.S}`;
    if (!this.ttlDeletedKeys.delete(id)) return r;
    return { ...r, userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' } };
  }

  private async dispatch(raw: StreamRecord[]): Promise<void> {
    const records = raw.map((r) => this.tagTtlDeletion(r)).map((r) => ({
      eventID: r.eventID, eventName: r.eventName, eventVersion: r.eventVersion, eventSource: 'aws:dynamodb', awsRegion: 'local',
      dynamodb: r.dynamodb,
      userIdentity: r.userIdentity ? { type: r.userIdentity.Type, principalId: r.userIdentity.PrincipalId } : undefined,
    }));
    for (const worker of this.workers) {
      let pending = records.filter((r) => matchesFilter(worker.filter, r));
      for (let attempt = 1; pending.length && attempt <= MAX_ATTEMPTS; attempt++) {
        let failures: string[] = [];
        try {
          const res = (await invoke(worker.handlerFile, { Records: pending })) as DynamoDBBatchResponse | undefined;
          failures = (res?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
        } catch (err) {
          failures = pending.map((r) => r.dynamodb?.SequenceNumber ?? '');
          if (attempt === MAX_ATTEMPTS) {
            for (const r of pending) this.deadLetters.push({ worker: worker.name, eventID: r.eventID, error: (err as Error).message });
          }
        }
        pending = pending.filter((r) => failures.includes(r.dynamodb?.SequenceNumber ?? ''));
        if (pending.length && attempt === MAX_ATTEMPTS) {
          for (const r of pending) this.deadLetters.push({ worker: worker.name, eventID: r.eventID, error: 'delivery failed' });
        }
        if (pending.length && attempt < MAX_ATTEMPTS) await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }
}
