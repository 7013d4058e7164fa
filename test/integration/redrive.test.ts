/**
 * `npm run redrive`: emails the notifier gave up on are found through the sparse
 * index (no scan), resent through the stream and the notifier once SES works again,
 * and a second run sends nothing. SES is unreachable at first (nothing listens on its
 * port), then an SES emulator starts on that same port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { spawnSync } from 'node:child_process';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import { freePort, startSesEmulator } from '../../local/processes.js';
import { uniqueEmail } from '../support/harness.js';
import type { SentEmail } from '../support/mail.js';

let runtime: LocalRuntime;
let sesPort: number;
// Loaded after the runtime has pointed the configuration at the (not yet running) SES endpoint.
let data: typeof import('../../shared/data/client.js');
let redrive: typeof import('../../shared/domain/outbox-redrive.js');

beforeAll(async () => {
  sesPort = await freePort();
  runtime = await startLocal({
    apiPort: 0,
    dynamodb: { endpoint: inject('dynamodbEndpoint') },
    ses: { endpoint: `http://127.0.0.1:${sesPort}` },
    tableName: process.env.TABLE_NAME!,
    dataDir: inject('dataDir'),
  });
  data = await import('../../shared/data/client.js');
  redrive = await import('../../shared/domain/outbox-redrive.js');
});
afterAll(async () => { await runtime.stop(); });

async function outboxTo(email: string) {
  const out = await data.db.send(new ScanCommand({ TableName: data.tableName(), FilterExpression: '#t = :o AND #to = :e', ExpressionAttributeNames: { '#t': 'type', '#to': 'to' }, ExpressionAttributeValues: { ':o': 'outbox', ':e': email } }));
  return (out.Items ?? []).sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
}

async function listedFailed(): Promise<string[]> {
  const out = await data.db.send(new QueryCommand({ TableName: data.tableName(), IndexName: 'GSI3', KeyConditionExpression: 'GSI3PK = :p', ExpressionAttributeValues: { ':p': 'OUTBOX_FAILED' } }));
  return (out.Items ?? []).map((i) => i.id as string);
}

const requestLink = (email: string) => fetch(`${runtime.apiUrl}/auth/email-link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });

describe('npm run redrive', () => {
  it('resends failed emails found through the index once SES works, through the notifier; a second run sends nothing', async () => {
    const [alice, bob] = [uniqueEmail('alice'), uniqueEmail('bob')];
    for (const email of [alice, bob]) expect((await requestLink(email)).status).toBe(202);
    await runtime.drainStreams();

    // Both failed after the stream's retries, and are listed for the redrive.
    const failed = [...await outboxTo(alice), ...await outboxTo(bob)];
    expect(failed.map((m) => m.status)).toEqual(['failed', 'failed']);
    expect(failed.every((m) => m.GSI3PK === 'OUTBOX_FAILED')).toBe(true);
    expect(await listedFailed()).toEqual(expect.arrayContaining(failed.map((m) => m.id)));

    // SES is back.
    const ses = await startSesEmulator(sesPort);
    try {
      const dry = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/redrive.ts', '--table', data.tableName(), '--dry-run'], {
        env: { ...process.env, DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, encoding: 'utf8', timeout: 60_000,
      });
      expect(dry.stderr).toBe('');
      expect(dry.stdout).toContain('2 to resend, 0 skipped');
      expect(dry.stdout).toContain(`would resend ${failed[0]!.id} (sign-in-link)`);
      expect((await outboxTo(alice)).map((m) => m.status)).toEqual(['failed']); // a dry run changes nothing

      // The real command, as an operator runs it.
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/redrive.ts', '--table', data.tableName()], {
        env: { ...process.env, DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, encoding: 'utf8', timeout: 60_000,
      });
      expect(run.stdout).toContain('2 resent, 0 skipped');
      await runtime.drainStreams();

      const sent = ((await (await fetch(`${ses.url}/store`)).json()) as { emails: SentEmail[] }).emails;
      for (const email of [alice, bob]) expect(sent.filter((m) => m.destination.to.includes(email)).map((m) => m.subject)).toHaveLength(1);
      for (const email of [alice, bob]) {
        const [old, copy] = await outboxTo(email);
        expect(old).toMatchObject({ status: 'redriven', redrivenTo: copy!.id });
        expect(old!.GSI3PK).toBeUndefined();
        expect(old!.sealedToken).toBeUndefined();
        expect(copy).toMatchObject({ status: 'sent', template: 'sign-in-link', attempts: 1 });
        expect(copy!.GSI3PK).toBeUndefined();
      }
      expect(await listedFailed()).toEqual([]);

      // The resent link works: it signs Alice in.
      const mail = sent.find((m) => m.destination.to.includes(alice))!;
      const token = /\/auth\/email-link\/([A-Za-z0-9_-]+)/.exec(mail.body.text)![1]!;
      expect((await fetch(`${runtime.apiUrl}/auth/email-link/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);

      // Idempotent: nothing is left to resend, and no email goes out twice.
      expect(await redrive.redriveFailedEmails()).toEqual({ redriven: [], skipped: 0 });
      await runtime.drainStreams();
      expect(((await (await fetch(`${ses.url}/store`)).json()) as { emails: SentEmail[] }).emails).toHaveLength(sent.length);
    } finally {
      await ses.stop();
    }
  }, 120_000);
});
