/** A list the API pages: loading/error/empty states, a table with a caption and column headers, and the pager. */
import type { ComponentChildren } from 'preact';
import { Show, type Loaded } from './async';
import { Pager } from './pager';

export function PagedTable<T>({ state, cursor, onPage, caption, columns, row }: {
  state: Loaded<{ items: T[]; nextCursor: string | null }>;
  cursor: string | undefined;
  onPage: (cursor: string | undefined) => void;
  caption: string;
  columns: string[];
  row: (item: T) => ComponentChildren;
}) {
  return (
    <Show state={state} empty={(d) => d.items.length === 0 && !cursor}>
      {(d) => (
        <>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">{caption}</caption>
              <thead><tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
              <tbody>{d.items.map(row)}</tbody>
            </table>
          </div>
          <Pager cursor={cursor} next={d.nextCursor} onPage={onPage} />
        </>
      )}
    </Show>
  );
}
