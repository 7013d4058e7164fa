/**
 * The batch helper against DynamoDB Local. DynamoDB Local processes every batch in
 * full, so "throttling" is played at the SDK boundary: each BatchGet/BatchWrite call
 * is sent to DynamoDB Local with only the first half of its keys or writes, and the
 * other half comes back unprocessed, as real DynamoDB answers under load.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/data/client.js';
import { BATCH_GET_KEYS, BATCH_ROUNDS, BATCH_WRITE_REQUESTS, batchBackoffMs, batchGet, batchWrite } from '../../shared/data/batch.js';
import { batchPutMembers, exampleMember, getMembersByIds, memberKey } from '../../shared/data/members.js';

interface Call { command: 'get' | 'write'; size: number; at: number }

/** Watches every batch call; with `processed`, DynamoDB takes only that share of each call. */
function throttle(processed: number | undefined): Call[] {
  const calls: Call[] = [];
  const send = db.send.bind(db) as (c: unknown) => Promise<Record<string, unknown>>;
  vi.spyOn(db, 'send').mockImplementation((async (command: unknown) => {
    if (command instanceof BatchWriteCommand) {
      const [table, requests] = Object.entries(command.input.RequestItems!)[0]!;
      calls.push({ command: 'write', size: requests.length, at: performance.now() });
      const taken = processed === undefined ? requests.length : Math.ceil(requests.length * processed);
      if (taken > 0) await send(new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, taken) } }));
      return { UnprocessedItems: taken < requests.length ? { [table]: requests.slice(taken) } : {} };
    }
    if (command instanceof BatchGetCommand) {
      const [table, ask] = Object.entries(command.input.RequestItems!)[0]!;
      const keys = ask.Keys!;
      calls.push({ command: 'get', size: keys.length, at: performance.now() });
      const taken = processed === undefined ? keys.length : Math.ceil(keys.length * processed);
      const out = taken > 0 ? await send(new BatchGetCommand({ RequestItems: { [table]: { ...ask, Keys: keys.slice(0, taken) } } })) : { Responses: { [table]: [] } };
      return { ...out, UnprocessedKeys: taken < keys.length ? { [table]: { ...ask, Keys: keys.slice(taken) } } : {} };
    }
    return send(command);
  }) as never);
  return calls;
}

afterEach(() => { vi.restoreAllMocks(); });

const members = (workspaceId: string, n: number) =>
  Array.from({ length: n }, (_, i) => exampleMember({ workspaceId, userId: `usr_${String(i).padStart(4, '0')}`, email: `m${i}@example.com` }));

describe('batch helper', () => {
  it('uses the largest calls DynamoDB accepts: 25 writes, 100 keys', async () => {
    const calls = throttle(undefined);
    const ws = 'ws_batch_sizes';
    await batchPutMembers(members(ws, 230));
    expect(calls.map((c) => c.size)).toEqual([25, 25, 25, 25, 25, 25, 25, 25, 25, 5]);
    calls.length = 0;
    const ids = members(ws, 230).map((m) => m.userId);
    // Duplicates are asked once; an unknown id is simply absent.
    const found = await getMembersByIds(ws, [...ids, ...ids.slice(0, 10), 'usr_nobody'], 0);
    expect(found.size).toBe(230);
    expect(calls.map((c) => c.size)).toEqual([BATCH_GET_KEYS, BATCH_GET_KEYS, 31]);
    expect(BATCH_WRITE_REQUESTS).toBe(25);
  });

  it('sends what DynamoDB left unprocessed again, after a growing back-off, until all of it is done', async () => {
    const ws = 'ws_batch_throttled';
    const calls = throttle(0.5);
    await batchPutMembers(members(ws, 30));
    // Chunk 1: 25 sent, 12 left, 6, 3, 1; chunk 2: 5 sent, 2 left, 1.
    expect(calls.map((c) => c.size)).toEqual([25, 12, 6, 3, 1, 5, 2, 1]);
    // Each retry waited at least its back-off floor, and the floor doubles.
    for (const [i, round] of [[1, 1], [2, 2], [3, 3], [4, 4], [6, 1], [7, 2]] as const) {
      expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(batchBackoffMs(round).min - 1);
    }
    expect(batchBackoffMs(2).min).toBe(2 * batchBackoffMs(1).min);

    calls.length = 0;
    const found = await getMembersByIds(ws, members(ws, 30).map((m) => m.userId), 0);
    expect(calls.map((c) => c.size)).toEqual([30, 15, 7, 3, 1]);
    vi.restoreAllMocks();
    // Every write landed exactly as sent (read back without the throttle).
    expect([...found.keys()].sort()).toEqual(members(ws, 30).map((m) => m.userId));
    expect((await batchGet(members(ws, 30).map((m) => memberKey(ws, m.userId)))).length).toBe(30);
  });

  it(`gives up after ${BATCH_ROUNDS} calls when DynamoDB processes nothing, instead of looping`, async () => {
    const calls = throttle(0);
    await expect(batchWrite([{ DeleteRequest: { Key: memberKey('ws_batch_stuck', 'usr_x') } }]))
      .rejects.toThrow(`BatchWriteItem: 1 left unprocessed after ${BATCH_ROUNDS} calls`);
    expect(calls.length).toBe(BATCH_ROUNDS);
    calls.length = 0;
    await expect(batchGet([memberKey('ws_batch_stuck', 'usr_x')])).rejects.toThrow(`BatchGetItem: 1 left unprocessed after ${BATCH_ROUNDS} calls`);
    expect(calls.length).toBe(BATCH_ROUNDS);
  });
});
