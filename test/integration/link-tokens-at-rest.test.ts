/**
 * Link tokens are never readable at rest (API.md Conventions): after an invitation and a
 * sign-in link request, nothing in the table or in the table's stream accepts the
 * invitation or signs anyone in — every string found there is tried against the API —
 * while the emailed links work. Once sent, not even the sealed token stays.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';

// Config is read once at module load: a non-default link lifetime, which the email must state.
vi.hoisted(() => { process.env.SIGN_IN_LINK_TTL_SECONDS = '1800'; });

import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { emailsTo, lastLinkTo } from '../support/mail.js';
import { createWorkspace, signIn } from '../support/given.js';
import { db, tableName } from '../../shared/data/client.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

type Item = Record<string, unknown>;

async function wholeTable(): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new ScanCommand({ TableName: tableName(), ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Every record the table's stream holds (what the notifier, and a dead-letter queue, could see). */
async function wholeStream(): Promise<{ eventName?: string; newImage?: Item; oldImage?: Item }[]> {
  const endpoint = inject('dynamodbEndpoint');
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const ddb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  const streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials });
  try {
    const StreamArn = (await ddb.send(new DescribeTableCommand({ TableName: tableName() }))).Table!.LatestStreamArn!;
    const records = [];
    for (const shard of (await streams.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription!.Shards ?? []) {
      let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (iterator) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...(out.Records ?? []));
        // An open shard always returns a next iterator: stop once it has nothing more.
        iterator = out.Records?.length ? out.NextShardIterator : undefined;
      }
    }
    const image = (i: Record<string, AttributeValue> | undefined) => (i ? unmarshall(i) : undefined);
    return records.map((r) => ({ eventName: r.eventName, newImage: image(r.dynamodb?.NewImage), oldImage: image(r.dynamodb?.OldImage) }));
  } finally {
    ddb.destroy();
    streams.destroy();
  }
}

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value) || value instanceof Set) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/** Every string, and every run of URL-token characters inside one (a token inside a URL or a key). */
function candidates(values: unknown): string[] {
  const found = new Set<string>();
  for (const s of stringsIn(values)) {
    if (s.length >= 16 && s.length <= 512) found.add(s);
    for (const m of s.matchAll(/[A-Za-z0-9_-]{16,}/g)) found.add(m[0]);
  }
  return [...found];
}

describe('link tokens at rest', () => {
  it('nothing in the table or the stream accepts an invitation or signs in; the emailed links do, and sent emails keep no sealed token', async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Sealed Links');
    const invitee = uniqueEmail('invitee');
    const signer = uniqueEmail('signer');
    const inv = await h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body: { emails: [invitee], role: 'contributor' } });
    expect(inv.json.results[0].status).toBe('invited');
    expect((await h.request('POST', '/auth/email-link', { body: { email: signer, fullName: 'Sam Signer' } })).status).toBe(202);
    await h.drain();

    const table = await wholeTable();
    const stream = await wholeStream();

    // The stream carried each of the two emails once, its link only sealed.
    const inserts = stream.filter((r) => r.eventName === 'INSERT' && r.newImage?.type === 'outbox' && [invitee, signer].includes(r.newImage.to as string));
    expect(inserts.map((r) => r.newImage!.template).sort()).toEqual(['invitation', 'sign-in-link']);
    for (const r of inserts) {
      expect(r.newImage!.sealedToken).toMatch(/^rsa-oaep-256:[A-Za-z0-9_-]{300,}$/);
      expect(r.newImage!.data).not.toHaveProperty('token');
    }
    // Sent: the outbox item no longer holds even the ciphertext.
    const outbox = table.filter((i) => i.type === 'outbox' && [invitee, signer].includes(i.to as string));
    expect(outbox).toHaveLength(2);
    for (const item of outbox) {
      expect(item.status).toBe('sent');
      expect(item).not.toHaveProperty('sealedToken');
    }

    const tried = candidates([table, stream]);
    // The scan saw the ciphertexts (so it would have seen a clear token in their place).
    for (const r of inserts) expect(tried).toContain((r.newImage!.sealedToken as string).split(':')[1]);
    expect(tried.length).toBeGreaterThan(50);
    const accepted: string[] = [];
    const attempt = async (c: string) => {
      const path = encodeURIComponent(c);
      const [accept, signInWith, bearer] = await Promise.all([
        h.request('POST', `/invitations/${path}/accept`, { body: { fullName: 'Mallory' } }),
        h.request('POST', `/auth/email-link/${path}`),
        h.request('GET', '/me', { token: c }),
      ]);
      if (accept.status !== 404 || signInWith.status !== 404 || bearer.status !== 401) accepted.push(`${c}: ${accept.status}/${signInWith.status}/${bearer.status}`);
    };
    for (let i = 0; i < tried.length; i += 8) await Promise.all(tried.slice(i, i + 8).map(attempt));
    expect(accepted).toEqual([]);
    console.info(`link tokens at rest: ${table.length} items, ${stream.length} stream records, ${tried.length} strings tried x 3 requests`);

    // The links that were live during all of the above are the emailed ones, and they work.
    const invitationToken = await lastLinkTo(invitee, 'invitations');
    expect(tried).not.toContain(invitationToken);
    const accept = await h.request('POST', `/invitations/${invitationToken}/accept`, { body: { fullName: 'Ivy Invitee' } });
    expect(accept.status, accept.text).toBe(200);
    expect(accept.json.workspace.id).toBe(ws);
    const signInToken = await lastLinkTo(signer, 'auth/email-link');
    expect(tried).not.toContain(signInToken);
    const session = await h.request('POST', `/auth/email-link/${signInToken}`);
    expect(session.status, session.text).toBe(200);
    expect((await h.request('GET', '/me', { token: session.json.access_token })).json.user.email).toBe(signer);
  });

  it('the sign-in email states the configured link lifetime (30 minutes here, not the default 15)', async () => {
    const email = uniqueEmail('lifetime');
    expect((await h.request('POST', '/auth/email-link', { body: { email } })).status).toBe(202);
    await h.drain();
    const [mail] = await emailsTo(email);
    expect(mail!.body.text).toContain('expires in 30 minutes');
    expect(mail!.body.html).toContain('expires in 30 minutes');
  });
});
