/**
 * The functions that are not HTTP routes: stream consumers and scheduled jobs.
 * Like the route table, the CDK stack and local mode both read this, and the
 * stream filters are written once here (as DynamoDB event filter patterns) and
 * evaluated locally by the same rules.
 */
export interface StreamWorker {
  kind: 'stream';
  name: string;
  handlerFile: string;
  /** Lambda event-source filter pattern (subset used: eventName, dynamodb.*Image.type.S, userIdentity). */
  filter: Record<string, unknown>;
  batchSize: number;
}

export interface ScheduledWorker {
  kind: 'schedule';
  name: string;
  handlerFile: string;
  /** EventBridge Scheduler expression (local mode runs it on a timer of the same period). */
  scheduleContext: string;
  defaultSchedule: string;
  localIntervalSeconds: number;
}

export const streamWorkers: StreamWorker[] = [
  {
    kind: 'stream',
    name: 'send-outbox-email',
    handlerFile: 'functions/send-outbox-email.ts',
    filter: { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['outbox'] } } } },
    batchSize: 10,
  },
  {
    kind: 'stream',
    name: 'purge-removed-member',
    handlerFile: 'functions/purge-removed-member.ts',
    // Only deletions made by DynamoDB's TTL process, never our own deletes.
    filter: {
      eventName: ['REMOVE'],
      userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
      dynamodb: { OldImage: { type: { S: ['member'] } } },
    },
    batchSize: 10,
  },
];

export const scheduledWorkers: ScheduledWorker[] = [
  {
    kind: 'schedule',
    name: 'license-reconciliation',
    handlerFile: 'functions/reconcile-licenses-job.ts',
    scheduleContext: 'reconciliationSchedule',
    defaultSchedule: 'rate(1 hour)',
    localIntervalSeconds: 3600,
  },
  {
    kind: 'schedule',
    name: 'outbox-redrive',
    handlerFile: 'functions/redrive-outbox-job.ts',
    scheduleContext: 'outboxRedriveSchedule',
    defaultSchedule: 'rate(15 minutes)',
    localIntervalSeconds: 900,
  },
];

/** Evaluate a Lambda filter pattern against a stream record (the subset our filters use). */
export function matchesFilter(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((p) => p === value);
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([k, p]) => matchesFilter(p, (value as Record<string, unknown>)[k]));
  }
  return pattern === value;
}
