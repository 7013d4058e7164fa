/**
 * The static half of Roster: the Console (console/src, bundled by esbuild) and the
 * API reference's renderer (Redoc's standalone bundle, straight from its npm
 * package). Built in memory; local mode serves the result, the CDK stack writes it
 * to a folder and deploys it to S3 behind CloudFront, on the API's origin.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface StaticFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** URL path → file. */
export type Site = Map<string, StaticFile>;

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const CONSOLE_PREFIX = '/console/';
export const CONSOLE_INDEX = '/console/index.html';
export const REDOC_SCRIPT = '/docs/redoc.standalone.js';

/**
 * The Console's policy: only its own scripts and styles, no inline script or style
 * markup, API calls to its own origin. The local server and CloudFront both send it.
 */
export const CONSOLE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Does this Console path name a file, or a page of the single-page app (served index.html)? */
export const isConsoleAsset = (path: string) => path.startsWith(`${CONSOLE_PREFIX}assets/`);

export async function buildSite(): Promise<Site> {
  const out = await build({
    entryPoints: { app: join(here, 'src/main.tsx') },
    bundle: true,
    write: false,
    outdir: '/console/assets',
    entryNames: '[name]-[hash]',
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const site: Site = new Map();
  let script = '';
  let style = '';
  for (const file of out.outputFiles) {
    const path = file.path.slice(file.path.indexOf('/console/assets/'));
    const isJs = path.endsWith('.js');
    if (isJs) script = path;
    else style = path;
    site.set(path, { body: Buffer.from(file.contents), contentType: isJs ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', cacheControl: IMMUTABLE });
  }
  const index = readFileSync(join(here, 'index.html'), 'utf8').replace('%SCRIPT%', script).replace('%STYLE%', style);
  site.set(CONSOLE_INDEX, { body: Buffer.from(index), contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });

  const redoc = readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'));
  site.set(REDOC_SCRIPT, { body: redoc, contentType: 'text/javascript; charset=utf-8', cacheControl: 'public, max-age=3600' });
  return site;
}

/** The file a request path is answered with (Console pages share index.html). */
export function fileFor(site: Site, path: string): StaticFile | undefined {
  if (path === '/console' || (path.startsWith(CONSOLE_PREFIX) && !isConsoleAsset(path))) return site.get(CONSOLE_INDEX);
  return site.get(path);
}

/** For the CDK stack: the site as files in `dir`. */
export async function writeSite(dir: string): Promise<Site> {
  const site = await buildSite();
  for (const [path, file] of site) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.body);
  }
  return site;
}
