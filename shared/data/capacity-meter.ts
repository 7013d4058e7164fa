/**
 * Opt-in DynamoDB consumed-capacity meter for benchmarks and tests. Production never
 * calls it: nothing is installed on the shared client until the first
 * startCapacityMeter(), so Lambda requests carry no ReturnConsumedCapacity.
 *
 * Once installed, a middleware on the shared `dynamodb` client (which the document
 * client `db` shares its middleware stack with) asks every data-plane call for
 * ReturnConsumedCapacity=TOTAL (unless the caller already asked for something) and
 * adds the reported units to every running meter.
 *
 * Import this module only after the process environment is final (e.g. after
 * benchContext()/startLocal()), because importing it loads shared/config.ts:
 *   const { startCapacityMeter } = await import('../../shared/data/capacity-meter.js');
 *   const meter = startCapacityMeter(); … meter.snapshot() → { rcu, wcu, calls }
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { dynamodb } from './client.js';

export interface CapacitySnapshot {
  /** Read capacity units consumed (table + indexes). */
  rcu: number;
  /** Write capacity units consumed (table + indexes). */
  wcu: number;
  /** Data-plane calls observed (each transaction or batch counts once). */
  calls: number;
}

export interface CapacityMeter {
  snapshot(): CapacitySnapshot;
  reset(): void;
  /** Detach this meter; the middleware stays installed but no longer counts for it. */
  stop(): void;
}

/** The operations that accept ReturnConsumedCapacity, split by the kind of capacity they consume. */
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const PARTIQL = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

const meters = new Set<CapacitySnapshot>();
let installed = false;

/**
 * DynamoDB reports ReadCapacityUnits/WriteCapacityUnits on some operations and only
 * CapacityUnits on others; the latter is attributed by what the operation does
 * (a transactional or PartiQL read still consumes read units).
 */
function unitsOf(op: string, consumed: ConsumedCapacity): { rcu: number; wcu: number } {
  if (consumed.ReadCapacityUnits !== undefined || consumed.WriteCapacityUnits !== undefined) {
    return { rcu: consumed.ReadCapacityUnits ?? 0, wcu: consumed.WriteCapacityUnits ?? 0 };
  }
  const units = consumed.CapacityUnits ?? 0;
  return WRITES.has(op) ? { rcu: 0, wcu: units } : { rcu: units, wcu: 0 };
}

function install(): void {
  if (installed) return;
  installed = true;
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const op = (context.commandName ?? '').replace(/Command$/, '');
      const metered = meters.size > 0 && (READS.has(op) || WRITES.has(op) || PARTIQL.has(op));
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (metered) input.ReturnConsumedCapacity ??= 'TOTAL';
      let result;
      try {
        result = await next(args);
      } catch (err) {
        // A cancelled transaction or failed condition still consumed capacity; DynamoDB
        // does not report it on errors, so only the call is counted.
        if (metered) for (const m of meters) m.calls += 1;
        throw err;
      }
      if (metered) {
        const output = result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] };
        const reported = output.ConsumedCapacity;
        const list = Array.isArray(reported) ? reported : reported ? [reported] : [];
        let rcu = 0;
        let wcu = 0;
        for (const c of list) {
          const u = unitsOf(op, c);
          rcu += u.rcu;
          wcu += u.wcu;
        }
        for (const m of meters) {
          m.rcu += rcu;
          m.wcu += wcu;
          m.calls += 1;
        }
      }
      return result;
    },
    // Before the serializer, so the added input member is sent.
    { step: 'serialize', priority: 'high', name: 'rosterCapacityMeter' },
  );
}

/** Start counting consumed capacity of every call made through shared/data/client.ts. */
export function startCapacityMeter(): CapacityMeter {
  install();
  const counts: CapacitySnapshot = { rcu: 0, wcu: 0, calls: 0 };
  meters.add(counts);
  return {
    snapshot: () => ({ rcu: counts.rcu, wcu: counts.wcu, calls: counts.calls }),
    reset() {
      counts.rcu = 0;
      counts.wcu = 0;
      counts.calls = 0;
    },
    stop() {
      meters.delete(counts);
    },
  };
}
