/**
 * Seeds 002 and 003 in the Console, in Chromium: an owner opens a deep link to the
 * Members page, signs in by emailed link and lands back on it; invites two people at
 * once, changes one to admin and back, suspends, removes and restores within the
 * window (days left shown), sees the seats bar and downloads the CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueEmail, type Harness } from '../support/harness.js';
import { expectAccessible, launchChromium, saveScreenshot, watchPage } from '../support/browser.js';
import { poll, signInToConsole, startConsoleHarness } from '../support/console-browser.js';
import { createWorkspace, signIn, signedInMember } from '../support/given.js';

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  [h, browser] = await Promise.all([startConsoleHarness(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.runtime.stop();
});

describe('Console: Members (seeds 002, 003)', () => {
  it('deep link survives sign-in; invite, change role, suspend, remove, restore, seats, CSV', { timeout: 90_000 }, async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Walk & Co', 5);
    const mary = await signedInMember(h, ws, { role: 'contributor', fullName: 'Mary Jones' });

    const context = await browser.newContext({ acceptDownloads: true });
    context.setDefaultTimeout(10_000);
    const deepLink = `/console/workspaces/${ws}/members?status=active`;
    const page = await signInToConsole(h, context, owner.email, deepLink);
    const { problems } = watchPage(page);
    expect(page.url()).toBe(`${h.url}${deepLink}`); // the path survived the round trip; no code in the address bar
    expect(await page.evaluate('[document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)]')).toEqual(['', '{}', '{}']);

    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Members of Walk & Co');
    await poll(() => page.getByText('Seats used: 2 of 5').count()).toBe(1);
    await poll(() => page.getByRole('row', { name: /Mary Jones/ }).count()).toBe(1);

    // Invite two at once, as seed 002 writes them.
    const joe = uniqueEmail('joe.smith');
    const ann = uniqueEmail('mary.jones');
    await page.getByLabel('Email addresses').fill(`${joe}, ${ann}`);
    await page.getByRole('button', { name: 'Send invitations' }).click();
    const results = page.getByRole('list', { name: 'Invitation results' });
    await poll(() => results.innerText()).toContain(`${joe}: invited`);
    expect(await results.innerText()).toContain(`${ann}: invited`);
    await poll(() => page.getByRole('row', { name: new RegExp(joe) }).count()).toBe(1); // in the invitations list
    await expectAccessible(page, 'members');
    await saveScreenshot(page, 'console-members', '1-invited');

    // Member → admin → member: the role changes at once.
    const role = page.getByLabel('Role of Mary Jones');
    await role.selectOption('admin');
    await poll(async () => (await h.request('GET', `/workspaces/${ws}/members/${mary.userId}`, { token: owner.token })).json.role).toBe('admin');
    await poll(() => page.getByRole('status').innerText()).toContain('Mary Jones is now Admin');
    await page.getByLabel('Role of Mary Jones').selectOption('contributor');
    await poll(async () => (await h.request('GET', `/workspaces/${ws}/members/${mary.userId}`, { token: owner.token })).json.role).toBe('contributor');

    // Suspend keeps the seat (the list is filtered to active members: show all first).
    await page.getByLabel('Status').selectOption('');
    await page.waitForURL(`${h.url}/console/workspaces/${ws}/members`);
    await page.getByRole('row', { name: /Mary Jones/ }).getByRole('button', { name: 'Suspend' }).click();
    await poll(() => page.getByRole('row', { name: /Mary Jones/ }).innerText()).toContain('suspended');
    await page.goto(`${h.url}/console/workspaces/${ws}/members`); // a reload: the cookie signs this page in again
    await poll(() => page.getByText('Seats used: 2 of 5').count()).toBe(1);

    // Remove, after confirming; then restore within the window.
    await page.getByRole('row', { name: /Mary Jones/ }).getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Mary Jones?' });
    await dialog.getByRole('button', { name: 'Remove member' }).click();
    await poll(() => page.getByRole('status').innerText()).toContain('Mary Jones is removed');
    await page.getByLabel('Status').selectOption('removed');
    await poll(() => page.getByRole('row', { name: /Mary Jones/ }).innerText()).toContain('14 days left to restore');
    await poll(() => page.getByText('Seats used: 1 of 5').count()).toBe(1);
    await saveScreenshot(page, 'console-members', '2-removed');
    await page.getByRole('row', { name: /Mary Jones/ }).getByRole('button', { name: 'Restore' }).click();
    await poll(() => page.getByRole('status').innerText()).toContain('Mary Jones is restored');
    await page.getByLabel('Status').selectOption('');
    await poll(() => page.getByRole('row', { name: /Mary Jones/ }).innerText()).toContain('suspended');
    expect((await h.request('GET', `/workspaces/${ws}/members/${mary.userId}`, { token: owner.token })).json.status).toBe('suspended');

    // CSV export (seed 003) with the file name the API gives.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`members-${ws}.csv`);
    const csv = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
    expect(csv.split(/\r?\n/)[0]).toBe('member_id,full_name,email,role,entry_date,status');
    expect(csv).toContain('Mary Jones');

    await page.setViewportSize({ width: 375, height: 800 });
    await saveScreenshot(page, 'console-members', '3-narrow');
    expect(problems).toEqual([]);
    await context.close();
  });
});
