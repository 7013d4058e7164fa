import { httpHandler } from '../shared/http/handler.js';
import { html } from '../shared/http/responses.js';

/**
 * The API reference: Redoc's standalone bundle (served from its npm package beside
 * the Console, never from a CDN) renders /openapi.json. Redoc starts itself from the
 * <redoc> element, so no inline script is needed; its styled-components inject
 * <style> elements (hence style-src 'unsafe-inline') and its search runs in a blob worker.
 */
const DOCS_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "font-src 'self' data:", "connect-src 'self'", "worker-src 'self' blob:", "base-uri 'none'", "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Roster API reference</title></head>
<body><redoc spec-url="/openapi.json" native-scrollbars></redoc>
<script src="/docs/redoc.standalone.js"></script></body></html>`;

export const handler = httpHandler('getDocs', async () => {
  const page = html(PAGE);
  return { ...page, headers: { 'content-security-policy': DOCS_CSP, 'cache-control': 'public, max-age=300' } };
});
