/**
 * The Console's shell as local mode serves it: one HTML page for every Console path
 * (deep links), hashed immutable assets, a strict CSP with no inline script, the JS
 * budget, and axe-core clean.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness.js';
import { expectAccessible, launchChromium, saveScreenshot, watchPage } from '../support/browser.js';

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.runtime.stop();
});

const JS_BUDGET_GZIP = 80 * 1024;

describe('Console shell', () => {
  it('every Console path gets the same page, under a CSP that allows no inline script or style', async () => {
    const root = await h.request('GET', '/console/');
    const deep = await h.request('GET', '/console/workspaces/ws_01ABC/members?status=deactivated');
    expect(root.status).toBe(200);
    expect(deep.text).toBe(root.text);
    const csp = root.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(root.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script has a src
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect((await h.request('GET', '/console/assets/nothing-here.js')).status).toBe(404);
  });

  it(`ships at most ${JS_BUDGET_GZIP / 1024} KB of gzipped JavaScript, cached for good`, async () => {
    const index = (await h.request('GET', '/console/')).text;
    const scripts = [...index.matchAll(/src="([^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const src of scripts) {
      const res = await fetch(`${h.url}${src}`);
      expect(res.headers.get('cache-control')).toContain('immutable');
      total += gzipSync(Buffer.from(await res.arrayBuffer())).length;
    }
    expect(total).toBeLessThanOrEqual(JS_BUDGET_GZIP);
  });

  it('renders in Chromium without a CSP complaint and passes axe-core', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { problems } = watchPage(page);
    await page.goto(`${h.url}/console/`);
    await expect.poll(() => page.locator('h1').first().textContent()).toBeTruthy();
    await expectAccessible(page, 'console shell');
    await saveScreenshot(page, 'console', 'shell');
    expect(problems).toEqual([]);
    await context.close();
  });
});
