import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

export type IdPrefix = 'ws' | 'usr' | 'inv' | 'int' | 'app' | 'evt' | 'role' | 'out' | 'fam';

/** Prefixed ULID: sortable by creation time, opaque to callers. */
export const newId = (prefix: IdPrefix): string => `${prefix}_${ulid()}`;

export const idPattern = (prefix: IdPrefix): RegExp => new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);
