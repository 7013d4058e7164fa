import { escapeHtml } from '../html.js';

/**
 * What a handler core returns; the factory turns it into an API Gateway response.
 * `B` is the JSON body's type, checked against the route's response schema.
 */
export interface HttpResult<B = unknown> {
  statusCode: number;
  body?: B;
  /** Pre-rendered body (HTML, CSV): sent as is. */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Set-Cookie values (shared/http/cookies.ts). */
  cookies?: string[];
}

export const ok = <B>(body: B, headers?: Record<string, string>): HttpResult<B> => ({ statusCode: 200, body, headers });
export const created = <B>(body: B): HttpResult<B> => ({ statusCode: 201, body });
export const accepted = <B>(body: B): HttpResult<B> => ({ statusCode: 202, body });
export const noContent = (): HttpResult<never> => ({ statusCode: 204 });
/** 303 See Other: after a form POST the browser follows with a GET. */
export const seeOther = (location: string, headers?: Record<string, string>): HttpResult<never> =>
  ({ statusCode: 303, headers: { location, ...headers } });
export const html = (page: string, statusCode = 200): HttpResult<never> => ({ statusCode, raw: page, contentType: 'text/html; charset=utf-8' });


/** Does the client prefer an HTML page (a browser) over JSON? */
export function wantsHtml(headers: Record<string, string | undefined>): boolean {
  const accept = headers.accept ?? '';
  return /text\/html/i.test(accept) && !/^application\/json/i.test(accept);
}

export function page(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Roster</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .3rem}input{font:inherit;padding:.5rem;width:100%;box-sizing:border-box}
button{font:inherit;margin-top:1rem;padding:.6rem 1.2rem;background:#2f6fed;color:#fff;border:0;border-radius:.3rem;cursor:pointer}
.muted{color:#616e7c}.error{color:#b42318}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{color:#616e7c}
</style></head><body>${bodyHtml}</body></html>`;
}
