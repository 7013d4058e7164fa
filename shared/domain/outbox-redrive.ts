/**
 * Resend emails the notifier gave up on (`npm run redrive`, docs/deploy.md runbook).
 *
 * The stream keeps a record 24 h and the dead-letter queue holds only its metadata,
 * so the table is the source: failed messages are listed in a sparse index (no scan),
 * each is re-read consistently and replaced by a fresh copy that the stream hands to
 * the notifier again. Idempotent: a message is redriven only while it is still
 * `failed`, so a second run (or two at once) sends nothing twice.
 */
import { clock } from '../clock.js';
import { newId } from '../ids.js';
import { TransactionConflict, type Item } from '../data/core.js';
import { failedOutboxMessageIds, getOutboxMessage, redriveOutboxMessage } from '../data/outbox.js';

export interface RedriveOptions {
  /** List what would be resent, change nothing. */
  dryRun?: boolean;
  /** Only messages of this template (e.g. `invitation`). */
  template?: string;
  /** Stop after this many. */
  limit?: number;
}

export interface RedriveReport {
  /** Messages resent (or, in a dry run, that would be). */
  redriven: { id: string; template: string; newId?: string; failedAt?: string; lastError?: string }[];
  /** Listed but not resent: no longer failed (sent by a retry, redriven meanwhile), expired, or another template. */
  skipped: number;
}

export async function redriveFailedEmails(opts: RedriveOptions = {}): Promise<RedriveReport> {
  const report: RedriveReport = { redriven: [], skipped: 0 };
  let startKey: Item | undefined;
  do {
    const page = await failedOutboxMessageIds(startKey);
    for (const id of page.ids) {
      if (opts.limit !== undefined && report.redriven.length >= opts.limit) return report;
      // The index lags the table: act only on what a consistent read says now.
      const msg = await getOutboxMessage(id);
      if (!msg || msg.status !== 'failed' || msg.ttl <= clock.nowEpochSeconds() || (opts.template && msg.template !== opts.template)) {
        report.skipped += 1;
        continue;
      }
      const entry = { id, template: msg.template, failedAt: msg.lastAttemptAt, lastError: msg.lastError };
      if (opts.dryRun) {
        report.redriven.push(entry);
        continue;
      }
      const copyId = newId('out');
      try {
        await redriveOutboxMessage(msg, copyId, clock.nowIso());
      } catch (err) {
        // Someone else redrove it (or a retry sent it) between the read and the write.
        if (err instanceof TransactionConflict) { report.skipped += 1; continue; }
        throw err;
      }
      report.redriven.push({ ...entry, newId: copyId });
    }
    startKey = page.next;
  } while (startKey);
  return report;
}
