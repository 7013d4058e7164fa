/**
 * The Console in a real browser, as a person uses it: Roster listens on the port
 * PUBLIC_URL names (the session endpoints check the Origin, the hand-off returns to
 * PUBLIC_URL/console/callback), and signing in goes through the emailed link.
 */
import { expect } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort } from '../../local/processes.js';
import { startHarness, type Harness } from './harness.js';
import { emailsTo, lastLinkTo } from './mail.js';

/** expect.poll with room for a loaded 2-core machine (its default is 1 s). */
export const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

/** Start before anything loads shared/config.ts (PUBLIC_URL is read once). */
export async function startConsoleHarness(): Promise<Harness> {
  const port = await freePort();
  process.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
  return startHarness({ port });
}

/**
 * Open `path` signed out, ask for a link on the sign-in page, open the emailed link
 * in a second tab and press "Sign in": the asking tab ends up on `path`, signed in.
 */
export async function signInToConsole(h: Harness, context: BrowserContext, email: string, path = '/console/'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${h.url}${path}`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await poll(() => page.getByRole('status').filter({ hasText: 'We sent a sign-in link' }).count()).toBe(1);
  await h.drain();
  const linkTab = await context.newPage();
  await linkTab.goto(`${h.url}/auth/email-link/${await lastLinkTo(email, 'auth/email-link')}`);
  await linkTab.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${h.url}${path}`);
  await linkTab.waitForURL(`${h.url}${path}`);
  await linkTab.close();
  return page;
}

async function newestEmailWith(address: string, label: string) {
  const mail = (await emailsTo(address)).reverse().find((m) => m.body.text.includes(label));
  expect(mail, `an email to ${address} with "${label}"`).toBeDefined();
  return mail!;
}

/** The newest link to a Console page in the newest email to `address` whose text contains `label`. */
export async function consoleLinkIn(address: string, label: string): Promise<string> {
  const link = /https?:\/\/\S+\/console\/\S+/.exec((await newestEmailWith(address, label)).body.text)?.[0];
  expect(link).toBeDefined();
  return link!;
}

/** The link in the newest email to `address` whose text contains `label` (the text part's first `PUBLIC_URL` link). */
export async function linkInEmail(h: Harness, address: string, label: string): Promise<URL> {
  const link = new RegExp(`${h.url}/\\S+`).exec((await newestEmailWith(address, label)).body.text)?.[0];
  expect(link, `a link in the email to ${address}`).toBeDefined();
  return new URL(link!);
}
