/**
 * Small helpers every entity module uses: transactions with readable failures,
 * paging with opaque cursors, and TTL-aware reads.
 */
import { TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { createHmac } from 'node:crypto';
import { db, tableName } from './client.js';
import { loadPepper } from '../auth/key-material.js';
import { ValidationError } from '../errors.js';
import { TTL_ATTRIBUTE } from './table.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type Item = Record<string, unknown>;

/** A named transaction part, so a cancelled transaction can say which condition failed. */
export interface TxPart {
  name: string;
  item: TransactItem;
}

export class TransactionConflict extends Error {
  constructor(readonly failed: string[], readonly reasons: { code?: string; item?: Item }[]) {
    super(`Transaction cancelled: ${failed.join(', ') || 'conflict'}`);
    this.name = 'TransactionConflict';
  }
  has(name: string): boolean {
    return this.failed.includes(name);
  }
}

/**
 * Write all parts atomically. On a cancelled transaction, throws TransactionConflict
 * naming the parts whose conditions failed (with the item as it was, when asked for).
 */
export async function transact(parts: TxPart[], opts: { token?: string } = {}): Promise<void> {
  if (parts.length === 0) return;
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: parts.map((p) => p.item),
      ClientRequestToken: opts.token,
    }));
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const reasons = (err.CancellationReasons ?? []).map((r) => ({ code: r.Code, item: r.Item as Item | undefined }));
      const failed = reasons.flatMap((r, i) => (r.code === 'ConditionalCheckFailed' ? [parts[i]!.name] : []));
      if (failed.length > 0 || reasons.some((r) => r.code === 'TransactionConflict')) {
        throw new TransactionConflict(failed, reasons);
      }
    }
    throw err;
  }
}

/**
 * Optimistic concurrency: run `attempt` (read, plan, transact) again when a
 * concurrent writer wins, with a short jittered back-off so contenders spread out.
 * After the last attempt the TransactionConflict propagates (the API answers 409).
 */
export async function retryOnConflict<T>(
  attempt: (n: number) => Promise<T>,
  opts: { attempts?: number; retryIf?: (err: TransactionConflict) => boolean } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 8;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof TransactionConflict) || (opts.retryIf && !opts.retryIf(err)) || n >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** n)));
    }
  }
}

export const isConditionFailure = (err: unknown): err is ConditionalCheckFailedException =>
  err instanceof ConditionalCheckFailedException;

/** Reads treat an item past its TTL as gone: DynamoDB may take up to 48 h to delete it. */
export function alive<T extends Item>(item: T | undefined, nowEpochSeconds: number): T | undefined {
  if (!item) return undefined;
  const ttl = item[TTL_ATTRIBUTE];
  if (typeof ttl === 'number' && ttl <= nowEpochSeconds) return undefined;
  return item;
}

/** Strip key attributes before an item leaves the data layer. */
export function stripKeys<T extends Item>(item: T): Omit<T, 'PK' | 'SK' | 'GSI1PK' | 'GSI1SK' | 'GSI2PK' | 'GSI2SK' | 'GSI3PK' | 'GSI3SK' | 'ttl' | 'type'> {
  const { PK: _a, SK: _b, GSI1PK: _c, GSI1SK: _d, GSI2PK: _e, GSI2SK: _f, GSI3PK: _g, GSI3SK: _h, ttl: _i, type: _j, ...rest } = item;
  return rest as never;
}

// ---- cursors ----------------------------------------------------------------
// A cursor is the LastEvaluatedKey plus the list it belongs to, signed with the
// service pepper: a cursor from another list or workspace, or edited, is rejected.

export async function encodeCursor(scope: string, key: Item | undefined): Promise<string | null> {
  if (!key) return null;
  const body = Buffer.from(JSON.stringify(key)).toString('base64url');
  const mac = createHmac('sha256', await loadPepper()).update(`${scope}|${body}`).digest('base64url').slice(0, 22);
  return `${body}.${mac}`;
}

export async function decodeCursor(scope: string, cursor: string | undefined): Promise<Item | undefined> {
  if (cursor === undefined) return undefined;
  const invalid = () => new ValidationError('The cursor is not valid for this list.', undefined, 'invalid_cursor');
  const [body, mac] = cursor.split('.');
  if (!body || !mac || cursor.length > 2048) throw invalid();
  const expected = createHmac('sha256', await loadPepper()).update(`${scope}|${body}`).digest('base64url').slice(0, 22);
  if (expected !== mac) throw invalid();
  try {
    const key = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    if (!key || typeof key !== 'object' || Array.isArray(key)) throw invalid();
    return key as Item;
  } catch {
    throw invalid();
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export { db, tableName };
