/** Scheduled (EventBridge Scheduler; a timer in local mode): reconcile every workspace over its seat limit. */
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { reconcileOverLimitWorkspaces, type ReconciliationSummary } from '../shared/domain/licenses.js';

export const handler = middy<ScheduledEvent, ReconciliationSummary>().handler(() => reconcileOverLimitWorkspaces());
