/**
 * GET /docs: the OpenAPI document as a readable page, rendered by Redoc from the
 * copy inside its npm package (no CDN), under a CSP with no inline script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness.js';
import { launchChromium, saveScreenshot, watchPage } from '../support/browser.js';

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.runtime.stop();
});

describe('API reference', () => {
  it('/docs renders every operation of /openapi.json with its response schema, scripts only from this origin', async () => {
    const res = await h.request('GET', '/docs');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|https?:)/);
    expect(res.text).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script
    expect(res.text).toContain('src="/docs/redoc.standalone.js"');
    const script = await fetch(`${h.url}/docs/redoc.standalone.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');

    const context = await browser.newContext();
    const page = await context.newPage();
    const { problems } = watchPage(page);
    const external: string[] = [];
    // Anything fetched from elsewhere (a CDN): a response from another origin.
    page.on('response', (r) => { if (!r.url().startsWith(h.url) && !/^(blob|data):/.test(r.url())) external.push(r.url()); });
    await page.goto(`${h.url}/docs`);
    await expect.poll(() => page.locator('h1').first().textContent(), { timeout: 60_000 }).toContain('Roster');
    const text = await page.locator('body').innerText();
    for (const summary of ['List members', 'Invite up to 100 people by email', 'Create an application user (secret shown once)', 'Specify owners and users']) {
      expect(text).toContain(summary);
    }
    // Response samples come from the response schemas (a paged list shows its cursor).
    expect(text).toContain('"nextCursor"');
    await saveScreenshot(page, 'docs', 'api-reference');
    expect(external).toEqual([]);
    // Redoc's footer asks its CDN for a logo; the policy refuses it (and Redoc hides the image). Nothing else is refused.
    expect(problems.filter((p) => /Content Security Policy/i.test(p) && !p.includes("Loading the image 'https://cdn.redoc.ly/"))).toEqual([]);
    await context.close();
  }, 90_000);
});
