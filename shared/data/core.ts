/**
 * Small helpers every entity module uses: transactions with readable failures,
 * paging with opaque cursors, and TTL-aware reads.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type QueryCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { createHmac } from 'node:crypto';
import { db, tableName } from './client.js';
import { loadPepper } from '../auth/key-material.js';
import { ConcurrentModificationError, ValidationError } from '../errors.js';
import { TTL_ATTRIBUTE, tableDescription } from './table.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type Item = Record<string, unknown>;

declare const partNameBrand: unique symbol;
/**
 * The name of a transaction part. Only `declareParts` / `declarePartFamily` make
 * one, so the domain matches a failed condition on a constant its data module
 * exports (`err.has(WorkspacePart.seat)`), never on a bare string: a renamed part
 * fails to compile instead of silently turning into retries and a 409.
 */
export type PartName = string & { readonly [partNameBrand]: true };

/** How often each fixed name and each family prefix was declared (a test checks that each is declared once). */
export const partDeclarations = { names: new Map<string, number>(), families: new Map<string, number>() };
const count = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

/** An entity module's fixed part names, e.g. `declareParts({ seat: 'seat' })`. */
export function declareParts<const T extends Record<string, string>>(names: T): { readonly [K in keyof T]: PartName } {
  for (const name of Object.values(names)) count(partDeclarations.names, name);
  return Object.freeze({ ...names }) as never;
}

/** Part names keyed per item (`grant:<userId>`): one family, matched by its prefix. */
export function declarePartFamily(prefix: string): (key: string) => PartName {
  count(partDeclarations.families, prefix);
  return (key) => `${prefix}:${key}` as PartName;
}

export const isDeclaredPart = (name: string): boolean =>
  partDeclarations.names.has(name) || partDeclarations.families.has(name.slice(0, name.indexOf(':')));

/** A named transaction part, so a cancelled transaction can say which condition failed. */
export interface TxPart {
  name: PartName;
  item: TransactItem;
}

/** A cancelled transaction; to the API, a concurrent modification (409) unless the domain makes more of it. */
export class TransactionConflict extends ConcurrentModificationError {
  constructor(readonly failed: PartName[], readonly reasons: { code?: string; item?: Item }[]) {
    super();
    this.name = 'TransactionConflict';
  }
  has(name: PartName): boolean {
    return this.failed.includes(name);
  }
}

/**
 * Write all parts atomically. On a cancelled transaction, throws TransactionConflict
 * naming the parts whose conditions failed (with the item as it was, when asked for).
 */
export async function transact(parts: TxPart[], opts: { token?: string } = {}): Promise<void> {
  if (parts.length === 0) return;
  const undeclared = parts.filter((p) => !isDeclaredPart(p.name)).map((p) => p.name);
  if (undeclared.length > 0) throw new Error(`Undeclared transaction part names: ${undeclared.join(', ')}`);
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

// ---- bounded pages ------------------------------------------------------------

/**
 * Items one page of a list may evaluate (read, before any filter) whatever the size
 * of what it lists (API.md "Bounded work"): a filtered list that finds fewer than
 * `limit` matches within it answers early with a cursor instead of reading on.
 */
export const PAGE_READ_BUDGET = 500;

export interface PagedQuery<T> {
  /** What the cursor is valid for (the list and its filters); see encodeCursor. */
  scope: string;
  /** The Query (key condition, filter, index, order) without Limit or ExclusiveStartKey. */
  query: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;
  limit: number;
  cursor: string | undefined;
  /** Items returned by one Query → page entries, position by position; `undefined` drops one (e.g. a join that found nothing). */
  select: (items: Item[]) => (T | undefined)[] | Promise<(T | undefined)[]>;
}

/** The attributes that make up a position in the table or in the queried index. */
function positionOf(item: Item, indexName: string | undefined): Item {
  const names = [tableDescription.partitionKey, tableDescription.sortKey];
  const gsi = tableDescription.gsis.find((g) => g.name === indexName);
  if (gsi) names.push(gsi.pk, gsi.sk);
  return Object.fromEntries(names.map((n) => [n, item[n]]));
}

/**
 * The one way a list reads a page. Each Query asks for what the page still needs
 * (then twice as much when a filter dropped items), and the page ends as soon as it
 * is full, the list ends, or PAGE_READ_BUDGET items have been evaluated. A page cut
 * inside a Query's result resumes right after its last entry.
 */
export async function queryPage<T>(q: PagedQuery<T>): Promise<Page<T>> {
  const items: T[] = [];
  let key = await decodeCursor(q.scope, q.cursor);
  let evaluated = 0;
  let ask = q.limit;
  while (evaluated < PAGE_READ_BUDGET) {
    const out = await db.send(new QueryCommand({
      ...q.query,
      TableName: tableName(),
      Limit: Math.min(ask, PAGE_READ_BUDGET - evaluated),
      ExclusiveStartKey: key,
    }));
    evaluated += out.ScannedCount ?? 0;
    const read = out.Items ?? [];
    const selected = await q.select(read);
    for (let i = 0; i < read.length; i++) {
      const entry = selected[i];
      if (entry === undefined) continue;
      items.push(entry);
      if (items.length === q.limit) {
        const moreInThisResult = selected.slice(i + 1).some((e) => e !== undefined);
        const next = moreInThisResult ? positionOf(read[i]!, q.query.IndexName) : out.LastEvaluatedKey;
        return { items, nextCursor: await encodeCursor(q.scope, next) };
      }
    }
    key = out.LastEvaluatedKey;
    if (!key) return { items, nextCursor: null };
    ask *= 2;
  }
  return { items, nextCursor: await encodeCursor(q.scope, key) };
}

export { db, tableName };
export { isConditionFailure } from './conditions.js';
