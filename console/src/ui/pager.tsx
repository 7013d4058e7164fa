/** Cursor paging as the API does it: back to the first page, or on to the next. */
export function Pager({ cursor, next, onPage }: { cursor?: string; next?: string | null; onPage: (cursor: string | undefined) => void }) {
  return (
    <div class="pager">
      {cursor && <button type="button" onClick={() => onPage(undefined)}>First page</button>}
      {next && <button type="button" onClick={() => onPage(next)}>Next page</button>}
    </div>
  );
}
