/**
 * The invitation flow as a person lives it, in headless Chromium: the owner invites,
 * SES (the emulator) delivers, the invitee opens the emailed link, sees who invites
 * them to what, types their name, presses "Accept invitation", and is a member —
 * signed in to the Console on the workspace's page, with nothing token-like in the
 * URL or in page script's reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { uniqueEmail, type Harness } from '../support/harness.js';
import { poll, startConsoleHarness } from '../support/console-browser.js';
import { emailsTo } from '../support/mail.js';
import { createWorkspace, signIn } from '../support/given.js';

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  [h, browser] = await Promise.all([startConsoleHarness(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.runtime.stop();
});

/** The emailed link points at PUBLIC_URL; the harness listens elsewhere, so keep only its path. */
function localUrl(emailedLink: string): string {
  return `${h.url}${new URL(emailedLink).pathname}`;
}

describe('accepting an invitation in a browser', () => {
  it('invite → open the emailed link → see the invitation → enter a name → Accept → active member, signed in to the Console', async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Browser & Co');
    const email = uniqueEmail('invitee');
    const invited = await h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body: { emails: email, role: 'contributor_plus' } });
    expect(invited.json.results[0].status).toBe('invited');
    await h.drain();

    const [mail] = await emailsTo(email);
    const link = /https?:\/\/\S+\/invitations\/[A-Za-z0-9_-]+/.exec(mail!.body.text)![0];
    const page = await browser.newPage();
    try {
      const opened = await page.goto(localUrl(link));
      expect(opened!.status()).toBe(200);
      await expect.poll(() => page.title()).toContain('Browser & Co');
      const body = await page.locator('body').innerText();
      expect(body).toContain('Browser & Co');
      expect(body).toContain('Olive Owner');
      expect(body).toContain('Contributor+');
      expect(body).toContain(email);

      // Opening the link accepted nothing.
      const pending = await h.request('GET', `/workspaces/${ws}/invitations`, { token: owner.token });
      expect(pending.json.items).toHaveLength(1);

      await page.getByLabel('Your full name').fill('Bea Browser');
      await Promise.all([
        page.waitForURL(`${h.url}/console/workspaces/${ws}/members`),
        page.getByRole('button', { name: 'Accept invitation' }).click(),
      ]);
      // Signed in: the Console turned the cookie into an access token and shows the workspace.
      await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Members of Browser & Co');
      await poll(() => page.getByRole('link', { name: 'Bea Browser' }).count()).toBe(1);
      expect(await page.evaluate('[document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage), location.href]'))
        .toEqual(['', '{}', '{}', `${h.url}/console/workspaces/${ws}/members`]);
      const [cookie] = await page.context().cookies();
      expect(cookie).toMatchObject({ name: 'roster_session', path: '/auth/session', httpOnly: true, sameSite: 'Strict' });

      // Back to the used link's page: it says so, and accepts nothing.
      const replay = await page.goto(localUrl(link));
      expect(replay!.status()).toBe(404);
    } finally {
      await page.close();
    }

    const audit = await h.request('GET', `/workspaces/${ws}/audit-events?limit=2`, { token: owner.token });
    const joined = audit.json.items.find((e: { action: string }) => e.action === 'member.joined');
    const member = await h.request('GET', `/workspaces/${ws}/members/${joined.target.id}`, { token: owner.token });
    expect(member.status).toBe(200);
    expect(member.json).toMatchObject({ userId: joined.target.id, email, fullName: 'Bea Browser', role: 'contributor_plus', status: 'active' });
    const ws1 = await h.request('GET', `/workspaces/${ws}`, { token: owner.token });
    expect(ws1.json.seats.used).toBe(2);
    expect((await h.request('GET', `/workspaces/${ws}/invitations`, { token: owner.token })).json.items).toHaveLength(0);
    // The new person can sign in and finds the workspace under their name.
    const bea = await signIn(h, email);
    const me = await h.request('GET', '/me', { token: bea.token });
    expect(me.json.user.fullName).toBe('Bea Browser');
    expect(me.json.workspaces).toEqual([{ id: ws, name: 'Browser & Co', role: 'contributor_plus', status: 'active' }]);
  });
});
