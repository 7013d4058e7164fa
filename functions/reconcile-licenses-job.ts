/** Scheduled (EventBridge Scheduler; a timer in local mode): reconcile every workspace over its seat limit. */
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { reconcileOverLimitWorkspaces, type ReconciliationSummary } from '../shared/domain/licenses.js';

/** Kept back from the job's timeout: stop between deactivations, email the admins, and leave the rest listed for the next run. */
export const RESERVE_MS = 10_000;

export const handler = middy<ScheduledEvent, ReconciliationSummary>()
  .handler((_event, context) => reconcileOverLimitWorkspaces(() => context.getRemainingTimeInMillis() < RESERVE_MS));
