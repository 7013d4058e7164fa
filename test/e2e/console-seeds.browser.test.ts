/**
 * The five seed articles walked in the Console, in Chromium, as a person clicks
 * through them: every step asserts what the person sees, the API is asked only to
 * prove the effect, and axe-core checks every page on the way. Screenshots go to
 * test-artifacts/console-seeds/ (and, with UPDATE_SCREENSHOTS=1, to docs/screenshots/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { uniqueEmail, type Harness } from '../support/harness.js';
import { expectAccessible, launchChromium, saveScreenshot, watchPage } from '../support/browser.js';
import { linkInEmail, poll, signInToConsole, startConsoleHarness } from '../support/console-browser.js';
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

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ acceptDownloads: true });
  context.setDefaultTimeout(10_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.url });
  return context;
}

const toast = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });
const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name, exact: true });
const clipboard = (page: Page) => page.evaluate('navigator.clipboard.readText()') as Promise<string>;

describe('Console: the seed articles', () => {
  it('000: Integrations → Edit → Sharing → Specify Users / Owners → Save → "Sharing saved"; the user is emailed and sees it', async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Partner Co', 10);
    const uma = await signedInMember(h, ws, { role: 'contributor', fullName: 'Uma User' });
    const otto = await signedInMember(h, ws, { role: 'contributor', fullName: 'Otto Owner' });
    const created = await h.request('POST', `/workspaces/${ws}/integrations`, { token: owner.token, body: { name: 'Salesforce sync', kind: 'salesforce' } });
    expect(created.status).toBe(201);
    const integrationId = created.json.id as string;
    // Precondition: Uma cannot see it yet.
    expect((await h.request('GET', `/workspaces/${ws}/integrations/${integrationId}`, { token: uma.token })).status).toBe(404);

    const context = await newContext();
    const page = await signInToConsole(h, context, owner.email, `/console/workspaces/${ws}/members`);
    const { problems } = watchPage(page);

    // Step 1: "select Integrations".
    await nav(page, 'Integrations').click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Integrations');
    await poll(() => page.getByRole('row', { name: /Salesforce sync/ }).innerText()).toContain('Olive Owner');
    await expectAccessible(page, 'integrations');

    // Step 2: "click on Edit".
    await page.getByRole('link', { name: 'Edit Salesforce sync' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Salesforce sync');

    // Step 3: Sharing → "Specify Users" by email, "Specify Owners" too; Save.
    const users = page.getByRole('group', { name: 'Specify Users' });
    await users.getByLabel('Search by name or email').fill(uma.email);
    await users.getByRole('checkbox', { name: /Uma User/ }).check();
    await poll(() => users.getByRole('checkbox').count()).toBe(1); // the search narrowed the list to her
    const owners = page.getByRole('group', { name: 'Specify Owners' });
    await owners.getByLabel('Search by name or email').fill(otto.email);
    await owners.getByRole('checkbox', { name: /Otto Owner/ }).check();
    await expectAccessible(page, 'integration sharing');
    await saveScreenshot(page, 'console-seeds', '000-sharing', 'sharing');
    await page.getByRole('button', { name: 'Save', exact: true }).click();

    // Step 4: the success message.
    await poll(() => toast(page, 'Sharing saved').count()).toBe(1);
    const shared = (await h.request('GET', `/workspaces/${ws}/integrations/${integrationId}`, { token: owner.token })).json;
    expect(shared.users).toEqual([uma.userId]);
    expect([...shared.owners].sort()).toEqual([owner.userId, otto.userId].sort());
    await page.getByRole('link', { name: '← All integrations' }).click();
    await poll(() => page.getByRole('row', { name: /Salesforce sync/ }).innerText()).toContain('Uma User');

    // Step 5: the user gets the email, signs in from it and sees the integration.
    await h.drain();
    const integrationPage = `/console/workspaces/${ws}/integrations/${integrationId}`;
    const link = await linkInEmail(h, uma.email, 'Salesforce sync');
    expect(integrationPage).toContain(link.pathname); // the email names this page (under /console/ once the email links move there)
    const umaContext = await newContext();
    const umaPage = await signInToConsole(h, umaContext, uma.email, integrationPage);
    await poll(() => umaPage.getByRole('heading', { level: 1 }).innerText()).toBe('Salesforce sync');
    await nav(umaPage, 'Integrations').click();
    await poll(() => umaPage.getByRole('row', { name: /Salesforce sync/ }).count()).toBe(1);
    await expectAccessible(umaPage, 'integrations (user)');
    expect(integrationPage).toContain((await linkInEmail(h, otto.email, 'Salesforce sync')).pathname);

    expect(problems).toEqual([]);
    await Promise.all([context.close(), umaContext.close()]);
  });

  it('001: Applications → Create Application User → copy the secret → token; reset it → the old secret is refused', async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Export Co', 10);
    const context = await newContext();
    const page = await signInToConsole(h, context, owner.email, `/console/workspaces/${ws}/members`);
    const { problems } = watchPage(page);

    // Steps 1-2: "click on Applications … Create Application User".
    await nav(page, 'Applications').click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Applications');
    await poll(() => page.getByText('Nothing here yet.').count()).toBe(1);

    // Step 3: a name and the access type, Save.
    await page.getByLabel('Name').fill('Report Export API');
    await page.getByLabel('Access type').selectOption('ObjectRead');
    await page.getByRole('button', { name: 'Save', exact: true }).click();

    // Step 4: the secret, shown once, copied from the dialog.
    const dialog = page.getByRole('dialog', { name: 'Report Export API created' });
    await poll(() => dialog.getByRole('note').innerText()).toContain('It is shown only once');
    await expectAccessible(page, 'applications: secret dialog');
    await saveScreenshot(page, 'console-seeds', '001-secret', 'applications');
    await dialog.getByRole('button', { name: 'Copy client secret' }).click();
    const secret = await clipboard(page);
    expect(secret).toMatch(/^rsk_/);
    await dialog.getByRole('button', { name: 'Copy client id' }).click();
    const clientId = await clipboard(page);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await poll(() => dialog.count()).toBe(0);

    // Step 5: the list shows the client id.
    await poll(() => page.getByRole('row', { name: /Report Export API/ }).innerText()).toContain(clientId);
    expect(await page.getByText(secret).count()).toBe(0); // the secret is gone from the page

    // Step 6: the pair gets a token.
    const grant = (client_secret: string) => h.request('POST', '/oauth/token', { body: { grant_type: 'client_credentials', client_id: clientId, client_secret } });
    const first = await grant(secret);
    expect(first.status).toBe(200);
    expect(first.json.scope.split(' ').sort()).toEqual(['apps:read', 'integrations:read', 'members:read']);

    // Reset: the previous secret is invalid at once (the default).
    await page.getByRole('row', { name: /Report Export API/ }).getByRole('button', { name: 'Reset secret' }).click();
    const confirm = page.getByRole('dialog', { name: 'Reset the secret of Report Export API?' });
    expect(await confirm.getByLabel('The current secret stops working').inputValue()).toBe('0');
    await confirm.getByRole('button', { name: 'Reset secret' }).click();
    const again = page.getByRole('dialog', { name: 'New secret for Report Export API' });
    await again.getByRole('button', { name: 'Copy client secret' }).click();
    const newSecret = await clipboard(page);
    expect(newSecret).toMatch(/^rsk_/);
    expect(newSecret).not.toBe(secret);
    await poll(() => toast(page, 'Secret of Report Export API reset').count()).toBe(1);
    await again.getByRole('button', { name: 'Done' }).click();

    const old = await grant(secret);
    expect(old.status).toBe(401);
    expect(old.json.error).toBe('invalid_client');
    expect((await grant(newSecret)).status).toBe(200);
    await expectAccessible(page, 'applications');

    expect(problems).toEqual([]);
    await context.close();
  });
});
