/**
 * An SES outage while 100 people are invited (issue 9, "Faults"): every invitation is
 * committed and answered at once; the failure is visible (`emailStatus: failed` in the
 * API, the outbox message `failed` and listed for redrive); once SES is back, the redrive
 * job (functions/redrive-outbox-job.ts) puts each failed email back once and every
 * invitee gets exactly one email whose link works — an invitation resent during the
 * outage gets only its newest link, a revoked one gets nothing. Running the job again
 * sends nothing. SES is made unreachable by a relay in front of the real emulator
 * (test/support/ses-outage.ts); the emulator's store is what was actually sent.
 * Before the redrive job, a failed email stayed failed: 0 of the 100 arrived. Slow by nature
 * (each refused send goes through the SDK's and the stream's retries), hence its own timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import * as given from '../support/given.js';
import { when, type Send } from '../support/when.js';
import { allEmails, lastLinkTo } from '../support/mail.js';
import { startSesRelay, type SesRelay } from '../support/ses-outage.js';
import { clock } from '../../shared/clock.js';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';

let relay: SesRelay;
let h: Harness;
let send: Send;
// Loaded once the runtime has pointed the configuration at the relay.
let data: typeof import('../../shared/data/client.js');
let redrive: typeof import('../../shared/domain/outbox-redrive.js');

beforeAll(async () => {
  relay = await startSesRelay(inject('sesEndpoint'));
  h = await startHarness({ sesEndpoint: relay.url });
  send = when(h);
  data = await import('../../shared/data/client.js');
  redrive = await import('../../shared/domain/outbox-redrive.js');
});
afterAll(async () => {
  await h.runtime.stop();
  await relay.stop();
});

/** How many emails each address has received, from one read of the emulator's store. */
async function mailCounts(addresses: string[]): Promise<Map<string, number>> {
  const counts = new Map(addresses.map((a) => [a, 0]));
  for (const mail of await allEmails()) {
    for (const to of mail.destination.to) if (counts.has(to)) counts.set(to, counts.get(to)! + 1);
  }
  return counts;
}

async function outboxTo(addresses: string[]) {
  const wanted = new Set(addresses);
  const items: Record<string, unknown>[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const out = await data.db.send(new ScanCommand({ TableName: data.tableName(), ConsistentRead: true, ExclusiveStartKey: key, FilterExpression: '#t = :o', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':o': 'outbox' } }));
    items.push(...(out.Items ?? []).filter((i) => wanted.has(i.to as string)));
    key = out.LastEvaluatedKey;
  } while (key);
  return items;
}

describe('SES outage while 100 invitations are sent', () => {
  it('commits every invitation, shows the failure, and delivers each exactly once when SES is back', async () => {
    const t = await given.team(h, { seats: 200 });
    // Precondition: the relay is in the service's path (the team's sign-in emails went through it).
    expect(relay.refused).toBe(0);

    relay.down();
    const invitees = Array.from({ length: 100 }, (_, i) => uniqueEmail(`outage${i}`));
    const [resent, revoked] = [uniqueEmail('resent'), uniqueEmail('revoked')];
    const everyone = [...invitees, resent, revoked];
    // The 100 (the most one request may invite) in one request, then the two that will change during the outage.
    for (const emails of [invitees, [resent, revoked]]) {
      const r = await send('POST', `/workspaces/${t.ws}/invitations`, { token: t.admin.token, body: { emails } });
      expect(r.status).toBe(200);
      expect(r.json.results.map((x: { status: string }) => x.status)).toEqual(emails.map(() => 'invited'));
    }
    await h.drain();

    // Committed and visibly failed: the API says so, nothing was sent, SES was really tried.
    const listed = await send('GET', `/workspaces/${t.ws}/invitations?limit=100`, { token: t.admin.token });
    const more = await send('GET', `/workspaces/${t.ws}/invitations?limit=100&cursor=${encodeURIComponent(listed.json.nextCursor)}`, { token: t.admin.token });
    const invitations = [...listed.json.items, ...more.json.items] as { id: string; email: string; emailStatus: string }[];
    expect(invitations.map((i) => i.email).sort()).toEqual([...everyone].sort());
    expect(new Set(invitations.map((i) => i.emailStatus))).toEqual(new Set(['failed']));
    expect(relay.refused).toBeGreaterThanOrEqual(everyone.length);
    expect([...(await mailCounts(everyone)).values()].every((n) => n === 0)).toBe(true);
    const failed = await outboxTo(everyone);
    expect(failed).toHaveLength(everyone.length);
    expect(failed.every((m) => m.status === 'failed' && m.GSI3PK === 'OUTBOX_FAILED')).toBe(true);

    // During the outage: one invitation is resent (its first email is now moot), one revoked.
    const byEmail = new Map(invitations.map((i) => [i.email, i]));
    expect((await send('POST', `/workspaces/${t.ws}/invitations/${byEmail.get(resent)!.id}/resend`, { token: t.admin.token })).status).toBe(200);
    expect((await send('DELETE', `/workspaces/${t.ws}/invitations/${byEmail.get(revoked)!.id}`, { token: t.admin.token })).status).toBe(204);
    await h.drain();

    // Too soon: the stream may still be retrying these, so the job leaves them.
    expect(await h.runtime.runJob('outbox-redrive')).toEqual({ redriven: 0, superseded: 0, waiting: everyone.length + 1 });

    relay.up();
    clock.advance(redrive.REDRIVE_AFTER_SECONDS + 1);
    expect(await h.runtime.runJob('outbox-redrive')).toEqual({ redriven: everyone.length - 1, superseded: 2, waiting: 0 });
    const counts = await mailCounts(everyone);
    expect(invitees.filter((a) => counts.get(a) !== 1)).toEqual([]);
    expect(counts.get(resent)).toBe(1);
    expect(counts.get(revoked)).toBe(0);

    // Again: nothing left to redrive, nothing sent twice.
    expect(await h.runtime.runJob('outbox-redrive')).toEqual({ redriven: 0, superseded: 0, waiting: 0 });
    expect(await mailCounts(everyone)).toEqual(counts);

    // The API shows them sent, and a redriven link works.
    const admin = await given.signIn(h, t.admin.email, 'Adam Admin');
    const after = await send('GET', `/workspaces/${t.ws}/invitations?limit=100`, { token: admin.token });
    expect(after.json.items.filter((i: { emailStatus: string }) => i.emailStatus !== 'sent')).toEqual([]);
    const accepted = await send('POST', `/invitations/${await lastLinkTo(invitees[0]!, 'invitations')}/accept`, { body: { fullName: 'Back Online' } });
    expect(accepted.status, accepted.text).toBe(200);
    const resentLink = await lastLinkTo(resent, 'invitations');
    expect((await send('GET', `/invitations/${resentLink}`)).status).toBe(200);
  }, 180_000);
});
