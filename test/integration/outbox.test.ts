/**
 * The email outbox: a send failure never loses or rolls back the change, is
 * retried, ends in the dead-letter list, and is visible on the outbox item.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import { freePort } from '../../local/processes.js';
import { uniqueEmail } from '../support/harness.js';
import { emailsTo } from '../support/mail.js';

let runtime: LocalRuntime;
// Loaded after the runtime has pointed the configuration at the dead SES endpoint.
let data: typeof import('../../shared/data/client.js');

beforeAll(async () => {
  // An SES endpoint where nothing listens: every send fails.
  runtime = await startLocal({
    apiPort: 0,
    dynamodb: { endpoint: inject('dynamodbEndpoint') },
    ses: { endpoint: `http://127.0.0.1:${await freePort()}` },
    tableName: process.env.TABLE_NAME!,
    dataDir: inject('dataDir'),
  });
  data = await import('../../shared/data/client.js');
});
afterAll(async () => { await runtime.stop(); });

async function outboxItems() {
  const out = await data.db.send(new ScanCommand({ TableName: data.tableName(), FilterExpression: '#t = :o', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':o': 'outbox' } }));
  return out.Items ?? [];
}

describe('outbox delivery failures', () => {
  it('keeps the change, retries, records the failure and dead-letters the message', async () => {
    const email = uniqueEmail('unlucky');
    const r = await fetch(`${runtime.apiUrl}/auth/email-link`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }),
    });
    expect(r.status).toBe(202);
    await runtime.drainStreams();

    const [msg] = (await outboxItems()).filter((i) => i.to === email);
    expect(msg).toMatchObject({ template: 'sign-in-link', status: 'failed', attempts: 3 });
    expect(msg!.lastError).toEqual(expect.any(String));
    expect(runtime.poller.deadLetters.filter((d) => d.worker === 'send-outbox-email').length).toBeGreaterThanOrEqual(1);
    expect(await emailsTo(email)).toHaveLength(0);

    // The sign-in link itself was stored: the business change is not rolled back.
    const links = await data.db.send(new ScanCommand({ TableName: data.tableName(), FilterExpression: '#t = :s AND email = :e', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':s': 'signInLink', ':e': email } }));
    expect(links.Items).toHaveLength(1);
  });
});
