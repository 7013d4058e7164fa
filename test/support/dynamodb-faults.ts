/**
 * DynamoDB throttling, injected where DynamoDB would answer it: a middleware on the
 * service's one real SDK client, placed inside the SDK's retry loop (after the
 * `retryMiddleware` of the finalizeRequest step), that answers a call with the SDK's
 * own exception type instead of sending it. So the SDK retries it exactly as it would
 * a real throttle, and whatever still fails reaches the service's code unchanged.
 */
import { ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../../shared/data/client.js';

export interface ThrottlePlan {
  /** Which calls (SDK command names, e.g. 'GetItemCommand') are eligible; all when absent. */
  commands?: readonly string[];
  /** Share of eligible attempts throttled, 0..1 (1: every attempt). */
  share: number;
  /** How a throttled TransactWriteItems fails: the call as a whole, or one part's cancellation reason. */
  transactionsAs?: 'exception' | 'cancellation-reason';
}

export const throttleStats = { attempts: 0, throttled: 0 };
let plan: ThrottlePlan | undefined;
// A small seeded generator, so a run throttles the same share of attempts every time.
let seed = 0x2f6e2b1;
const nextRandom = () => {
  seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0;
  return seed / 2 ** 32;
};

dynamodb.middlewareStack.add((next, context) => async (args) => {
  const command = context.commandName ?? '';
  if (!plan || (plan.commands && !plan.commands.includes(command))) return next(args);
  throttleStats.attempts += 1;
  if (nextRandom() >= plan.share) return next(args);
  throttleStats.throttled += 1;
  const $metadata = { httpStatusCode: 400 };
  if (command === 'TransactWriteItemsCommand' && plan.transactionsAs === 'cancellation-reason') {
    const parts = ((args.input as { TransactItems?: unknown[] }).TransactItems ?? []).length;
    throw new TransactionCanceledException({
      $metadata,
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError]',
      CancellationReasons: Array.from({ length: parts }, (_, i) => (i === parts - 1 ? { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity for one or more global secondary indexes.' } : { Code: 'None' })),
    });
  }
  throw new ProvisionedThroughputExceededException({ $metadata, message: 'The level of configured provisioned throughput for the table was exceeded (injected by the test).' });
}, { step: 'finalizeRequest', priority: 'low', name: 'testThrottling' });

/** Throttle DynamoDB calls by `p` while `fn` runs; always stops after, and reports the counts. */
export async function whileThrottled<T>(p: ThrottlePlan, fn: () => Promise<T>): Promise<{ result: T; attempts: number; throttled: number }> {
  throttleStats.attempts = 0;
  throttleStats.throttled = 0;
  plan = p;
  try {
    const result = await fn();
    return { result, attempts: throttleStats.attempts, throttled: throttleStats.throttled };
  } finally {
    plan = undefined;
  }
}
