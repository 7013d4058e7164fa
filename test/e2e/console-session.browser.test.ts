/**
 * The Console's session in real Chromium (API.md "Console session", "Sessions";
 * docs/sessions.md): what the browser holds after signing in, what page script can
 * reach, that another origin cannot ride the cookie, and that "sign out everywhere"
 * ends a second browser's session within the contract's 60 s of the service clock.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { uniqueEmail, type Harness } from '../support/harness.js';
import { launchChromium } from '../support/browser.js';
import { consoleLinkIn, poll, signInToConsole, startConsoleHarness } from '../support/console-browser.js';
import { lastLinkTo } from '../support/mail.js';
import { advanceClock, resetClock } from '../support/clock.js';
import { createWorkspace, signIn, signedInMember } from '../support/given.js';
import { freePort } from '../../local/processes.js';

let h: Harness;
let browser: Browser;
let attacker: Server;
let attackerPort: number;

beforeAll(async () => {
  [h, browser] = await Promise.all([startConsoleHarness(), launchChromium()]);
  // Another origin on the same host (same site, other port) and, by name, another site.
  attackerPort = await freePort();
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Elsewhere</title><h1>Elsewhere</h1>');
  });
  await new Promise<void>((resolve) => attacker.listen(attackerPort, '127.0.0.1', resolve));
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
  await h?.runtime.stop();
});

const REFRESH_TOKEN = /rrt_[A-Za-z0-9_-]{20,}/;
const JWT = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./;

interface ScriptView { cookie: string; localStorage: string; sessionStorage: string; indexedDB: string[]; caches: string[]; href: string; html?: string }

/** Everything page script can read on its own: cookies, both storages, IndexedDB, caches, the address, the document. */
const scriptView = (page: Page): Promise<ScriptView> => page.evaluate(`(async () => ({
  cookie: document.cookie,
  localStorage: JSON.stringify(localStorage),
  sessionStorage: JSON.stringify(sessionStorage),
  indexedDB: (await indexedDB.databases()).map((d) => d.name),
  caches: await caches.keys(),
  href: location.href,
  html: document.documentElement.outerHTML,
}))()`);

/** A cross-origin form post to `url`, from the page's own script (a navigation). */
const submitForm = (page: Page, url: string) => page.evaluate(`(() => {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = ${JSON.stringify(url)};
  document.body.append(form);
  form.submit();
})()`);

/** Press "Sign in" on a plain emailed link (no hand-off): the browser lands in the Console with the cookie. */
async function signInByPlainLink(context: BrowserContext, email: string, fullName?: string): Promise<Page> {
  const asked = await h.request('POST', '/auth/email-link', { body: { email, ...(fullName ? { fullName } : {}) } });
  expect(asked.status).toBe(202);
  await h.drain();
  const page = await context.newPage();
  await page.goto(`${h.url}/auth/email-link/${await lastLinkTo(email, 'auth/email-link')}`);
  await Promise.all([page.waitForURL(`${h.url}/console/`), page.getByRole('button', { name: 'Sign in' }).click()]);
  await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Your workspaces');
  return page;
}

describe('the Console session in Chromium', () => {
  it('a new person signs up by link and lands signed in; the only credential is an HttpOnly, SameSite=Strict cookie on /auth/session that no script, storage or URL holds', async () => {
    const context = await browser.newContext();
    const urls: string[] = [];
    context.on('request', (r) => urls.push(r.url()));
    try {
      const email = uniqueEmail('newcomer');
      const page = await signInByPlainLink(context, email, 'Nia Newcomer');
      await poll(() => page.getByRole('link', { name: 'Nia Newcomer' }).count()).toBe(1);

      const cookies = await context.cookies();
      expect(cookies.map(({ name, path, httpOnly, sameSite, secure }) => ({ name, path, httpOnly, sameSite, secure })))
        .toEqual([{ name: 'roster_session', path: '/auth/session', httpOnly: true, sameSite: 'Strict', secure: false }]);
      const refreshToken = cookies[0]!.value;
      expect(refreshToken).toMatch(/^rrt_/);

      // A Console page's own refresh answers an access token only: the refresh credential stays in the cookie.
      const refreshed = await page.evaluate(async () => {
        const res = await fetch('/auth/session/refresh', { method: 'POST', headers: { 'x-roster-csrf': '1' } });
        return { status: res.status, keys: Object.keys((await res.json()) as object).sort() };
      });
      expect(refreshed).toEqual({ status: 200, keys: ['access_token', 'expires_in'] });
      const rotated = (await context.cookies())[0]!.value;
      expect(rotated).not.toBe(refreshToken);

      const view = await scriptView(page);
      expect({ ...view, html: undefined }).toEqual({
        cookie: '', localStorage: '{}', sessionStorage: '{}', indexedDB: [], caches: [], href: `${h.url}/console/`, html: undefined,
      });
      for (const token of [refreshToken, rotated]) expect(view.html).not.toContain(token);
      expect(view.html).not.toMatch(REFRESH_TOKEN);
      expect(view.html).not.toMatch(JWT);
      // No URL the browser ever requested carried a refresh or access token.
      expect(urls.length).toBeGreaterThan(3);
      expect(urls.filter((u) => REFRESH_TOKEN.test(u) || JWT.test(u))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a refresh from another origin (same site or not), a cross-site form, or without the CSRF header is refused and leaves the session as it was', async () => {
    const context = await browser.newContext();
    try {
      const page = await signInToConsole(h, context, uniqueEmail('csrf'));
      const before = (await context.cookies())[0]!.value;
      const refreshUrl = `${h.url}/auth/session/refresh`;
      const statuses: number[] = [];
      context.on('response', (r) => { if (r.url() === refreshUrl && r.request().method() === 'POST') statuses.push(r.status()); });

      // Our own origin without the header: 403 csrf_header_required.
      const headerless = await page.evaluate(async () => {
        const res = await fetch('/auth/session/refresh', { method: 'POST' });
        return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
      });
      expect(headerless).toEqual({ status: 403, code: 'csrf_header_required' });

      for (const origin of [`http://127.0.0.1:${attackerPort}`, `http://localhost:${attackerPort}`]) {
        const evil = await context.newPage();
        await evil.goto(`${origin}/`);
        statuses.length = 0;
        // A simple request (no custom header, no preflight): it is sent, and refused by Roster.
        const simple = await evil.evaluate(async (url) => {
          try {
            await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'x' });
            return 'sent';
          } catch { return 'failed'; }
        }, refreshUrl);
        expect(simple).toBe('sent');
        // With the header the browser must ask first (CORS preflight), and Roster grants nothing: the request never goes.
        const preflighted = await evil.evaluate(async (url) => {
          try {
            const res = await fetch(url, { method: 'POST', credentials: 'include', headers: { 'x-roster-csrf': '1' } });
            return `read ${res.status}`;
          } catch { return 'blocked'; }
        }, refreshUrl);
        expect(preflighted).toBe('blocked');
        // A cross-origin form post, as a navigation.
        const [navigation] = await Promise.all([
          evil.waitForResponse(refreshUrl),
          submitForm(evil, refreshUrl),
        ]);
        expect(navigation.status()).toBe(403);
        await poll(() => statuses.length).toBeGreaterThanOrEqual(2);
        expect(statuses.every((s) => s === 403), `${origin}: ${statuses.join(',')}`).toBe(true);
        await evil.close();
      }

      // Nothing was rotated or revoked: the Console's cookie is the same one, and it still works.
      expect((await context.cookies())[0]!.value).toBe(before);
      const still = await page.evaluate(async () => (await fetch('/auth/session/refresh', { method: 'POST', headers: { 'x-roster-csrf': '1' } })).status);
      expect(still).toBe(200);
    } finally {
      await context.close();
    }
  });

  it('"Sign out everywhere" in one browser ends the other browser\'s session within 60 s of the service clock', { timeout: 90_000 }, async () => {
    const email = uniqueEmail('everywhere');
    const [one, two] = await Promise.all([browser.newContext(), browser.newContext()]);
    try {
      const pageOne = await signInToConsole(h, one, email, '/console/profile');
      const pageTwo = await signInToConsole(h, two, email, '/console/profile');
      // The second browser's access token, as it travels (the test reads the network, not the page).
      let tokenTwo = '';
      pageTwo.on('request', (r) => { const a = r.headers().authorization; if (a) tokenTwo = a.slice('Bearer '.length); });
      await pageTwo.locator('a.brand').click();
      await poll(() => tokenTwo.length > 0).toBe(true);
      const me = () => fetch(`${h.url}/me`, { headers: { authorization: `Bearer ${tokenTwo}` } }).then((r) => r.status);
      expect(await me()).toBe(200); // live, and remembered as live by the service
      await pageOne.reload(); // its session list now shows both browsers
      await poll(() => pageOne.getByText('this browser').count()).toBe(1);
      await poll(() => pageOne.getByRole('listitem').filter({ hasText: 'started' }).count()).toBe(2);

      await pageOne.getByRole('button', { name: 'Sign out everywhere' }).click();
      await pageOne.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
      await poll(() => pageOne.getByRole('heading', { level: 1 }).innerText()).toBe('Sign in to Roster');

      // The second browser's access token stops within the bound: step the service clock 5 s at a time.
      let endedAfter: number | undefined;
      for (let elapsed = 0; elapsed <= 60; elapsed += 5) {
        if (elapsed > 0) await advanceClock(h, 5);
        if ((await me()) === 401) { endedAfter = elapsed; break; }
      }
      expect(endedAfter, 'the access token still worked 60 s after sign out everywhere').toBeDefined();
      expect(endedAfter!).toBeLessThanOrEqual(60);
      console.info(`sign out everywhere: the other browser's access token ended after ≤ ${endedAfter} s of service clock (bound 60 s)`);

      // Its next action finds the session over: the refresh cookie was revoked too, so it shows sign-in.
      await pageTwo.locator('.who a').click(); // to the profile: a new page, new API calls
      await poll(() => pageTwo.getByRole('heading', { level: 1 }).innerText()).toBe('Sign in to Roster');
      const refresh = await pageTwo.evaluate(async () => (await fetch('/auth/session/refresh', { method: 'POST', headers: { 'x-roster-csrf': '1' } })).status);
      expect(refresh).toBe(401);
    } finally {
      await resetClock(h);
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('an emailed Console link ("Review members") survives the sign-in round trip and opens its page, filter included', async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Review & Co', 3);
    await signedInMember(h, ws, { fullName: 'Kept Member' });
    const late = await signedInMember(h, ws, { fullName: 'Late Joiner' });
    expect((await h.request('PUT', `/workspaces/${ws}/subscription`, { token: owner.token, body: { seats: 2 } })).status).toBe(200);
    const reconciled = await h.request('POST', `/workspaces/${ws}/license-reconciliation`, { token: owner.token });
    expect(reconciled.json.deactivated).toEqual([late.userId]);
    await h.drain();

    const link = await consoleLinkIn(owner.email, 'Review');
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}${url.search}`).toBe(`${h.url}/console/workspaces/${ws}/members?status=deactivated`);
    const context = await browser.newContext();
    try {
      // Signed out, the link shows sign-in; after the emailed sign-in link, the person is on the linked page.
      const page = await signInToConsole(h, context, owner.email, `${url.pathname}${url.search}`);
      await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Members of Review & Co');
      await poll(() => page.getByRole('row', { name: /Late Joiner/ }).count()).toBe(1);
      expect(await page.getByRole('row', { name: /Kept Member/ }).count()).toBe(0);
      expect(await page.getByLabel('Status').inputValue()).toBe('deactivated');
    } finally {
      await context.close();
    }
  });
});
