/**
 * BatchGetItem and BatchWriteItem, the one way the data layer uses them. A call
 * carries at most what DynamoDB accepts (100 keys, 25 writes); what DynamoDB
 * leaves unprocessed (throttling, the 16 MB response cap) is sent again after an
 * exponential back-off, as AWS advises, and after BATCH_ROUNDS rounds the call
 * fails instead of looping: a request's work stays bounded.
 */
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client.js';

type Item = Record<string, unknown>;
export type Key = Item;
export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Key } };

export const BATCH_GET_KEYS = 100;
export const BATCH_WRITE_REQUESTS = 25;
/** Calls per chunk at most (the first and the retries of what was left unprocessed). */
export const BATCH_ROUNDS = 8;

/** Before retry `round` (1, 2, …): at least half of min(640, 20·2^round) ms, at most all of it. */
export const batchBackoffMs = (round: number): { min: number; max: number } => {
  const max = Math.min(640, 20 * 2 ** round);
  return { min: max / 2, max };
};

const pause = (round: number) => {
  const { min, max } = batchBackoffMs(round);
  return new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)));
};

const chunks = <T>(all: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.slice(i * size, (i + 1) * size));

/** Sends `pending` until nothing is left, backing off between rounds; `call` answers what is still unprocessed. */
async function drain<T>(pending: T[], call: (batch: T[]) => Promise<T[]>, what: string): Promise<void> {
  for (let round = 0; pending.length > 0; round++) {
    if (round >= BATCH_ROUNDS) throw new Error(`${what}: ${pending.length} left unprocessed after ${BATCH_ROUNDS} calls`);
    if (round > 0) await pause(round);
    pending = await call(pending);
  }
}

/** The items found under `keys` (duplicates asked once), in no particular order; missing ones are absent. */
export async function batchGet(keys: Key[], opts: { consistent?: boolean } = {}): Promise<Item[]> {
  const unique = [...new Map(keys.map((k) => [JSON.stringify(k), k])).values()];
  const found: Item[] = [];
  for (const chunk of chunks(unique, BATCH_GET_KEYS)) {
    await drain(chunk, async (batch) => {
      const out = await db.send(new BatchGetCommand({
        RequestItems: { [tableName()]: { Keys: batch, ConsistentRead: opts.consistent } },
      }));
      found.push(...(out.Responses?.[tableName()] ?? []));
      return (out.UnprocessedKeys?.[tableName()]?.Keys ?? []) as Key[];
    }, 'BatchGetItem');
  }
  return found;
}

/** Unconditional puts and deletes (BatchWriteItem cannot check a condition); all are written or it throws. */
export async function batchWrite(requests: WriteRequest[]): Promise<void> {
  for (const chunk of chunks(requests, BATCH_WRITE_REQUESTS)) {
    await drain(chunk, async (batch) => {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName()]: batch } }));
      return (out.UnprocessedItems?.[tableName()] ?? []) as WriteRequest[];
    }, 'BatchWriteItem');
  }
}
