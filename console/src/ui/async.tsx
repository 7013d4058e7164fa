/** Loading, error and data states of one API read, with a way to read again. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';

export interface Loaded<T> { data?: T; error?: string; loading: boolean; reload: () => void }

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => { if (live) setState({ data, loading: false }); },
      (err: Error) => { if (live) setState({ error: err.message, loading: false }); },
    );
    return () => { live = false; };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Loading() { return <p role="status" class="muted">Loading…</p>; }
export function ErrorText({ children }: { children: ComponentChildren }) { return <p role="alert" class="error">{children}</p>; }

export function Show<T>({ state, empty, children }: { state: Loaded<T>; empty?: (d: T) => boolean; children: (d: T) => ComponentChildren }) {
  if (state.error) return <ErrorText>{state.error}</ErrorText>;
  if (state.data === undefined) return <Loading />;
  if (empty?.(state.data)) return <p class="muted">Nothing here yet.</p>;
  return <>{children(state.data)}</>;
}
