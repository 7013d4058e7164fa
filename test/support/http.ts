/**
 * A request to Roster over HTTP, answered with the text and (when it parses) the JSON.
 * Free of the test runner, so `npm run stress` uses it; the harness's `request` (which
 * other branches are changing now) should move onto it once they have landed.
 */
export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // Tests read whatever shape the route returns.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export type Send = (method: string, path: string, opts?: RequestOptions) => Promise<TestResponse>;

/** Requests to the server at `url` (e.g. local mode's API). */
export function httpSend(url: string): Send {
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Buffer | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers, body });
    const text = await res.text();
    let json: unknown;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  };
}
