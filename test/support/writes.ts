/**
 * Did a request write anything? A middleware on the service's one DynamoDB client
 * records the partition of every successful write while recording is on. Abuse-limit
 * counters are bookkeeping that refused requests are meant to move; everything else
 * is data, and a refused request must not have written any.
 */
import { dynamodb } from '../../shared/data/client.js';

/** Counters that rejected requests are meant to move (abuse limits), never data. */
const BOOKKEEPING = /^(RATE#|AUTHFAIL#|THROTTLE#)/;

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand', 'PutCommand', 'UpdateCommand', 'DeleteCommand', 'TransactWriteCommand', 'BatchWriteCommand']);

const pkOf = (key: unknown): string => {
  const pk = (key as { PK?: unknown } | undefined)?.PK;
  if (typeof pk === 'string') return pk;
  return String((pk as { S?: string } | undefined)?.S ?? '?');
};

function writtenPartitions(command: string, input: Record<string, unknown>): string[] {
  if (command.startsWith('TransactWrite')) {
    return ((input.TransactItems ?? []) as Record<string, { Item?: unknown; Key?: unknown }>[]).flatMap((t) =>
      Object.entries(t).filter(([op]) => op !== 'ConditionCheck').map(([, v]) => pkOf(v.Item ?? v.Key)));
  }
  if (command.startsWith('BatchWrite')) {
    return Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[]>)
      .flat().map((r) => pkOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key));
  }
  return [pkOf(input.Item ?? input.Key)];
}

const written: string[] = [];
let recording = false;
dynamodb.middlewareStack.add((next, context) => async (args) => {
  const result = await next(args);
  const command = context.commandName ?? '';
  if (recording && WRITES.has(command)) {
    written.push(...writtenPartitions(command, args.input as Record<string, unknown>).filter((pk) => !BOOKKEEPING.test(pk)));
  }
  return result;
}, { step: 'initialize', name: 'testWriteRecorder' });

/** Run `fn` (one request at a time) and return what it answered and the data partitions it wrote. */
export async function recordingWrites<T>(fn: () => Promise<T>): Promise<{ result: T; written: string[] }> {
  written.length = 0;
  recording = true;
  try {
    const result = await fn();
    return { result, written: [...new Set(written)] };
  } finally {
    recording = false;
  }
}
