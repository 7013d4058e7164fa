/**
 * The one browser for the tests: Debian's Chromium when present (or CHROMIUM_PATH),
 * else the Chromium that ships inside the `@sparticuz/chromium` npm package, so
 * `npm test` needs no system browser. Also: axe-core checks and screenshots.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const COMMON_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
/** Flags of the Lambda-oriented package that would hide what the tests check (same-origin rules, mixed content). */
const WEAKENING = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials']);

/** CHROMIUM_PATH=<path> picks a browser; CHROMIUM_PATH=bundled forces the npm package's. */
export async function launchChromium(): Promise<Browser> {
  const wanted = process.env.CHROMIUM_PATH;
  const system = wanted === 'bundled' ? undefined : wanted ?? (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);
  if (system) return chromium.launch({ executablePath: system, args: COMMON_ARGS });
  const sparticuz = (await import('@sparticuz/chromium')).default;
  return chromium.launch({
    executablePath: await sparticuz.executablePath(),
    args: [...sparticuz.args.filter((a) => !WEAKENING.has(a)), ...COMMON_ARGS],
  });
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }

/**
 * axe-core, evaluated in the page through the DevTools protocol (so the page's strict
 * CSP stays on), must find no serious or critical violation.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // Runs in the page, where axe-core now lives.
    const g = globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> }; document: unknown };
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking, `axe on ${label}`).toEqual([]);
}

export const ARTIFACTS = join(dirname(require.resolve('../../package.json')), 'test-artifacts');

const DOCS_SCREENSHOTS = join(dirname(ARTIFACTS), 'docs', 'screenshots');

/**
 * A full-page PNG under test-artifacts/<group>/<name>.png (CI keeps the folder). With
 * `docs`, it is also one of the README's pictures: `UPDATE_SCREENSHOTS=1` copies it to
 * docs/screenshots/<docs>.png (off by default, so a test run never edits the repository).
 */
export async function saveScreenshot(page: Page, group: string, name: string, docs?: string): Promise<string> {
  const path = join(ARTIFACTS, group, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  if (docs && process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    copyFileSync(path, join(DOCS_SCREENSHOTS, `${docs}.png`));
  }
  return path;
}

/** Collects what a page complains about: CSP violations, script errors, failed console calls. */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  return { problems };
}
