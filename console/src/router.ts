/** A router the size of the problem: the History API, one path signal, links that push. */
import { useEffect, useState } from 'preact/hooks';

let subscribers: Array<() => void> = [];
const notify = () => { for (const s of subscribers) s(); };
addEventListener('popstate', notify);

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  notify();
  scrollTo(0, 0);
}

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const s = () => setTick((t) => t + 1);
    subscribers.push(s);
    return () => { subscribers = subscribers.filter((x) => x !== s); };
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** `pattern` like `/console/workspaces/:ws/members`; the params when it matches. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = path.replace(/\/+$/, '').split('/');
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(a[i]!);
    else if (p[i] !== a[i]) return undefined;
  }
  return params;
}

/** Left clicks on same-origin Console links stay in the app. */
export function interceptLinks(ev: MouseEvent): void {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.target as Element).closest?.('a');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin || !a.pathname.startsWith('/console/')) return;
  ev.preventDefault();
  navigate(a.pathname + a.search);
}
