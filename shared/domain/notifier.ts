/**
 * Delivers outbox messages. A send failure is recorded (visible as
 * `emailStatus: failed` on the related item) and rethrown so the stream retries
 * the batch and, after the last retry, parks it in the dead-letter queue. The
 * business change that queued the email is never touched.
 */
import { clock } from '../clock.js';
import { getOutboxMessage, recordOutboxOutcome, type OutboxMessage } from '../data/outbox.js';
import { render } from '../email/templates.js';
import { sendEmail } from '../email/sender.js';
import { openLinkToken } from '../auth/link-seal.js';

export async function deliver(msg: OutboxMessage): Promise<'sent' | 'skipped'> {
  // The stream delivers at least once: a message already sent is not sent again.
  // A message that was redriven (a copy is sent instead) or superseded is not sent either.
  const current = await getOutboxMessage(msg.id);
  if (current && current.status !== 'queued' && current.status !== 'failed') return 'skipped';
  try {
    const data = msg.sealedToken ? { ...msg.data, token: await openLinkToken(msg.sealedToken) } : msg.data;
    const providerMessageId = await sendEmail(msg.to, render(msg.template, data));
    await recordOutboxOutcome(msg, { status: 'sent', at: clock.nowIso(), providerMessageId });
    return 'sent';
  } catch (err) {
    await recordOutboxOutcome(msg, { status: 'failed', at: clock.nowIso(), error: (err as Error).message });
    throw err;
  }
}
