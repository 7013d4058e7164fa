/**
 * Local mode's stand-in for CloudFront + S3: the Console and the API reference's
 * script, built in memory on first use (esbuild, well under a second) and served
 * with the headers CloudFront sends in AWS.
 */
import { buildSite, CONSOLE_CSP, fileFor, type Site } from '../console/build.js';

let site: Promise<Site> | undefined;

export const isStaticPath = (path: string) => path === '/console' || path.startsWith('/console/') || path.startsWith('/docs/');

export async function serveStatic(path: string): Promise<{ statusCode: number; headers: Record<string, string>; body: Buffer | string }> {
  site ??= buildSite();
  const file = fileFor(await site, path);
  const security = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };
  if (!file) {
    return { statusCode: 404, headers: { ...security, 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'not_found', message: `Nothing at ${path}.` } }) };
  }
  return {
    statusCode: 200,
    headers: { ...security, 'content-type': file.contentType, 'cache-control': file.cacheControl, 'content-security-policy': CONSOLE_CSP },
    body: file.body,
  };
}
