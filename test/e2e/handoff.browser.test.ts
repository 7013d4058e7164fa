/**
 * The hand-off as a person and a host product live it: the host product
 * (`openid-client`) makes a PKCE pair and asks Roster for a sign-in link that
 * returns to its loopback redirect URI; the person opens the emailed link in
 * headless Chromium and presses "Sign in"; the browser lands back at the host
 * product with code and state, which exchanges them and calls /me.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { uniqueEmail, type Harness } from '../support/harness.js';
import { launchChromium } from '../support/browser.js';
import { emailsTo } from '../support/mail.js';
import { HOST_PAGE_TITLE, requestHandoffLink, startWithHostProduct, type HostProduct } from '../support/host-product.js';

let h: Harness;
let host: HostProduct;
let browser: Browser;
let issuer: string;

beforeAll(async () => {
  ({ h, host, issuer } = await startWithHostProduct());
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.runtime.stop();
  await host?.stop();
});

describe('signing in to a host product from an emailed link', () => {
  it('link → page → "Sign in" → back at the host product with code + state → tokens → /me', async () => {
    const email = uniqueEmail('person');
    const attempt = await host.newAttempt();
    const token = await requestHandoffLink(h, email, host.redirectUri, attempt);
    const [mail] = await emailsTo(email);
    const link = /https?:\/\/\S+\/auth\/email-link\/[A-Za-z0-9_-]+/.exec(mail!.body.text)![0];
    expect(link).toBe(`${issuer}/auth/email-link/${token}`);

    const page = await browser.newPage();
    try {
      expect((await page.goto(link))!.status()).toBe(200);
      expect(host.callbacks).toHaveLength(0); // opening the link hands nothing off
      await Promise.all([
        page.waitForURL((u) => u.href.startsWith(host.redirectUri)),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      expect(await page.title()).toBe(HOST_PAGE_TITLE);
    } finally {
      await page.close();
    }

    expect(host.callbacks).toHaveLength(1);
    const callback = host.callbacks[0]!;
    expect(callback.searchParams.get('state')).toBe(attempt.state);
    const tokens = await client.authorizationCodeGrant(host.oidc, callback, { pkceCodeVerifier: attempt.verifier, expectedState: attempt.state });
    const me = await client.fetchProtectedResource(host.oidc, tokens.access_token, new URL(`${issuer}/me`), 'GET');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: unknown }).user).toMatchObject({ email, fullName: 'Hand Off' });
  });
});
