/** Scheduled (EventBridge Scheduler; a timer in local mode): put emails that failed (an SES outage) back in the outbox, once each. */
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { redriveFailedEmails, type RedriveSummary } from '../shared/domain/outbox-redrive.js';

export const handler = middy<ScheduledEvent, RedriveSummary>().handler(() => redriveFailedEmails());
