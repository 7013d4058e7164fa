/**
 * The `when` step (theburningmonk's given/when/then steps): send a request to Roster
 * either straight through local mode's front door in this process — route table →
 * the Lambda handler module, with the API Gateway event it would get — or over HTTP
 * to local mode, the way a client would. Same answer either way; in-process skips
 * the socket, so a suite of thousands of requests runs faster.
 *
 *   TEST_MODE=handler (default)   in-process, through the handler modules
 *   TEST_MODE=http                over HTTP to the harness's local-mode server
 *
 * `/_local/*` routes belong to the running local server, so they always go over HTTP.
 */
import { frontDoor } from '../../local/server.js';
import type { Harness, RequestOptions, TestResponse } from './harness.js';

export type WhenMode = 'handler' | 'http';
export const whenMode: WhenMode = process.env.TEST_MODE === 'http' ? 'http' : 'handler';

export type Send = (method: string, path: string, opts?: RequestOptions) => Promise<TestResponse>;

function requestParts(opts: RequestOptions): { headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body = Buffer.alloc(0);
  if (opts.rawBody !== undefined) body = Buffer.from(opts.rawBody);
  else if (opts.body !== undefined) {
    body = Buffer.from(JSON.stringify(opts.body));
    headers['content-type'] ??= 'application/json';
  }
  return { headers, body };
}

/** One request through the front door in this process, answered like fetch would. */
async function inProcess(h: Harness, method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse> {
  const url = new URL(path, h.url);
  const { headers, body } = requestParts(opts);
  headers.host = url.host;
  const out = await frontDoor({ method, url, headers, body, sourceIp: '127.0.0.1' });
  const responseHeaders = new Headers();
  for (const [k, v] of Object.entries(out.headers)) {
    for (const one of Array.isArray(v) ? v : [v]) responseHeaders.append(k, one);
  }
  const text = Buffer.isBuffer(out.body) ? out.body.toString('utf8') : out.body;
  let json: unknown;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: out.status, headers: responseHeaders, text, json };
}

/** `when(h)` is a request function with the harness's signature, in the mode TEST_MODE chooses. */
export function when(h: Harness, mode: WhenMode = whenMode): Send {
  if (mode === 'http') return h.request;
  return (method, path, opts) => (path.startsWith('/_local/') ? h.request(method, path, opts) : inProcess(h, method, path, opts));
}
