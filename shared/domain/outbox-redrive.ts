/**
 * After an SES outage: emails that failed go back in the outbox, once each, for the
 * notifier (shared/domain/notifier.ts) to send. Separate from the notifier on purpose:
 * this job neither opens sealed links nor sends email, so its function gets neither
 * permission (test/infra/stack.test.ts checks both).
 */
import { clock } from '../clock.js';
import { newId } from '../ids.js';
import { TransactionConflict, transact } from '../data/core.js';
import { oldestFailedMessages, redriveParts, RedrivePart, supersede } from '../data/outbox.js';

/** The stream's own retries of a failed message are over by then (and in AWS its records are in the DLQ). */
export const REDRIVE_AFTER_SECONDS = 15 * 60;
/** Messages one run puts back: a bounded read and write whatever the backlog; the next run takes the rest. */
export const REDRIVE_BATCH = 200;

export interface RedriveSummary {
  redriven: number;
  superseded: number;
  /** Failed too recently: the stream may still be retrying them. */
  waiting: number;
}

/**
 * After an SES outage: put each failed email back in the outbox once (a copy the stream
 * delivers like a new message), oldest first. An email whose item has moved on (an
 * invitation resent, accepted or revoked) is superseded instead of sent.
 */
export async function redriveFailedEmails(): Promise<RedriveSummary> {
  const summary: RedriveSummary = { redriven: 0, superseded: 0, waiting: 0 };
  const now = clock.nowIso();
  const settledBefore = new Date(clock.nowMs() - REDRIVE_AFTER_SECONDS * 1000).toISOString();
  for (const msg of await oldestFailedMessages(REDRIVE_BATCH)) {
    if ((msg.lastAttemptAt ?? msg.createdAt) > settledBefore) {
      summary.waiting += 1;
      continue;
    }
    try {
      await transact(redriveParts(msg, newId('out'), now));
      summary.redriven += 1;
    } catch (err) {
      if (!(err instanceof TransactionConflict)) throw err;
      if (err.has(RedrivePart.related)) {
        await supersede(msg.id);
        summary.superseded += 1;
      }
      // RedrivePart.failed: another run took it (or it was sent meanwhile).
    }
  }
  return summary;
}
