/**
 * Bundles Lambda handlers with esbuild's API using the stack's own settings
 * (infra/bundling.ts), and times importing a bundle in a fresh Node process.
 */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { esbuildBuildOptions } from '../infra/bundling.js';

export interface Bundle {
  name: string;
  entry: string;
  outfile: string;
  bytes: number;
}

/** One esbuild build per handler, as NodejsFunction does, all started at once (esbuild runs them in parallel). */
export function bundleHandlers(entries: { name: string; entry: string }[], outDir: string): Promise<Bundle[]> {
  return Promise.all(entries.map(async ({ name, entry }) => {
    const outfile = join(outDir, name, 'index.mjs');
    await build({ ...esbuildBuildOptions, mainFields: [...esbuildBuildOptions.mainFields], entryPoints: [entry], outfile, logLevel: 'error' });
    return { name, entry, outfile, bytes: statSync(outfile).size };
  }));
}

const IMPORT_PROBE = 'const t = performance.now(); await import(process.env.PROBE_URL); process.stdout.write(String(performance.now() - t));';

/**
 * Milliseconds to import the bundle in a fresh `node` (module load + top-level code:
 * what a cold start pays before the first event), with Lambda's --enable-source-maps.
 * Not in "Lambda mode", so configuration falls back to local defaults and nothing is fetched.
 */
export function importTimeMs(outfile: string): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, PROBE_URL: pathToFileURL(outfile).href, LOG_LEVEL: 'SILENT', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.AWS_LAMBDA_FUNCTION_NAME;
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', IMPORT_PROBE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(out);
      if (code !== 0 || !Number.isFinite(ms)) reject(new Error(`importing ${outfile} failed (exit ${code}): ${err.slice(0, 500)}`));
      else resolve(ms);
    });
  });
}
