/**
 * DynamoDB throttling (ProvisionedThroughputExceededException, and a transaction part
 * cancelled with ThrottlingError) that outlasts the SDK's retries answers
 * `429 rate_limited` with Retry-After through the one middleware stack — never a 500 —
 * and leaves nothing half-written. Throttling is injected on the real SDK client
 * (test/support/dynamodb-faults.ts), inside its retry loop, against DynamoDB Local.
 * Before shared/errors.ts knew throttling, every case here was a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import * as given from '../support/given.js';
import { when, type Send } from '../support/when.js';
import { whileThrottled } from '../support/dynamodb-faults.js';
import { partitionDigest } from '../support/writes.js';

let h: Harness;
let send: Send;
beforeAll(async () => { h = await startHarness(); send = when(h); });
afterAll(async () => { await h.runtime.stop(); });

const expectThrottled = (r: { status: number; headers: Headers; json: { error?: { code?: string } } }) => {
  expect(r.status).toBe(429);
  expect(r.json.error?.code).toBe('rate_limited');
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
};

describe('DynamoDB throttling', () => {
  it('a read throttled past the SDK retries answers 429 with Retry-After, and works once throttling stops', async () => {
    const t = await given.team(h);
    const path = `/workspaces/${t.ws}/members`;
    expect((await send('GET', path, { token: t.admin.token })).status).toBe(200);

    const { result, throttled } = await whileThrottled({ share: 1, commands: ['QueryCommand'] }, () => send('GET', path, { token: t.admin.token }));
    expectThrottled(result);
    expect(throttled).toBe(3); // the SDK's own three attempts, all throttled
    expect(result.text).not.toMatch(/ProvisionedThroughput|injected/);

    expect((await send('GET', path, { token: t.admin.token })).status).toBe(200);
  });

  it('a write throttled as a whole call, or as one cancelled transaction part, answers 429 and writes nothing', async () => {
    const t = await given.team(h);
    const member = await given.signedInMember(h, t.ws, { role: 'contributor' });
    const path = `/workspaces/${t.ws}/members/${member.userId}`;
    const before = await partitionDigest(`WS#${t.ws}`);

    for (const transactionsAs of ['exception', 'cancellation-reason'] as const) {
      const { result, throttled } = await whileThrottled({ share: 1, commands: ['TransactWriteItemsCommand'], transactionsAs }, () =>
        send('PATCH', path, { token: t.admin.token, body: { role: 'reader' } }));
      expect(throttled).toBeGreaterThanOrEqual(1);
      expectThrottled(result);
    }
    expect(await partitionDigest(`WS#${t.ws}`)).toBe(before);

    const ok = await send('PATCH', path, { token: t.admin.token, body: { role: 'reader' } });
    expect(ok.status).toBe(200);
    expect(ok.json.role).toBe('reader');
  });

  it('a mixed burst with 60% of DynamoDB attempts throttled: no 5xx, the refusals are 429s, the rest succeed', async () => {
    const t = await given.team(h, { seats: 100 });
    const members = await Promise.all(Array.from({ length: 6 }, () => given.signedInMember(h, t.ws)));
    const requests: (() => ReturnType<Send>)[] = [
      ...Array.from({ length: 10 }, () => () => send('GET', `/workspaces/${t.ws}/members?limit=5`, { token: t.admin.token })),
      ...Array.from({ length: 10 }, () => () => send('GET', `/workspaces/${t.ws}`, { token: t.owner.token })),
      ...Array.from({ length: 10 }, () => () => send('POST', `/workspaces/${t.ws}/invitations`, { token: t.admin.token, body: { emails: [uniqueEmail('burst')] } })),
      ...members.map((m) => () => send('PATCH', `/workspaces/${t.ws}/members/${m.userId}`, { token: t.admin.token, body: { role: 'reader' } })),
      ...members.map((m) => () => send('POST', `/workspaces/${t.ws}/members/${m.userId}/suspend`, { token: t.owner.token })),
      ...Array.from({ length: 4 }, () => () => send('POST', `/workspaces/${t.ws}/roles`, { token: t.owner.token, body: { name: `Role ${uniqueEmail()}`.slice(0, 40), permissions: ['members.read'] } })),
    ];
    const { result: answers, attempts, throttled } = await whileThrottled({ share: 0.6 }, () => Promise.all(requests.map((r) => r())));
    const statuses = answers.map((a) => a.status);
    expect(throttled / attempts).toBeGreaterThan(0.4);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    for (const a of answers.filter((x) => x.status === 429)) expectThrottled(a);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    // Everything else is the success it would have been (or a 409 from racing itself), never another error.
    expect(statuses.filter((s) => s !== 429 && s >= 300 && s !== 409)).toEqual([]);
    expect(statuses.filter((s) => s < 300).length).toBeGreaterThan(0);

    // Nothing half-written: the workspace's seat count is the number of seat holders.
    const ws = await send('GET', `/workspaces/${t.ws}`, { token: t.owner.token });
    const listed = await send('GET', `/workspaces/${t.ws}/members?limit=100`, { token: t.owner.token });
    const holders = listed.json.items.filter((m: { status: string }) => m.status === 'active' || m.status === 'suspended').length;
    expect(ws.json.seats.used).toBe(holders);
  });
});
