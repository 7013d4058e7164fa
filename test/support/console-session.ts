/**
 * The Console's sign-in as HTTP requests (what its pages do): ask for a link that
 * hands off to the Console's callback, press "Sign in", exchange the code at
 * POST /auth/session, and keep the session cookie the way a browser would.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Harness, TestResponse } from './harness.js';
import { lastLinkTo, lastLinksTo } from './mail.js';

/** The browser's view of the API's origin (PUBLIC_URL); the harness may listen elsewhere. */
export const consoleOrigin = () => process.env.PUBLIC_URL!.replace(/\/+$/, '');

export interface ConsoleSession {
  accessToken: string;
  /** `name=value` of the session cookie, as a browser would send it back. */
  cookie: string;
  setCookie: string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const askForConsoleLink = async (h: Harness, email: string, challenge: string, state: string) => {
  const r = await h.request('POST', '/auth/email-link', {
    body: { email, fullName: 'Console Person', redirectUri: `${consoleOrigin()}/console/callback`, state, codeChallenge: challenge, codeChallengeMethod: 'S256' },
  });
  expect(r.status).toBe(202);
};

async function pressSignIn(h: Harness, link: string): Promise<URL> {
  const pressed = await fetch(`${h.url}/auth/email-link/${link}`, { method: 'POST', redirect: 'manual' });
  expect(pressed.status).toBe(303);
  return new URL(pressed.headers.get('location')!);
}

/** The Location "Sign in" answers for a link that hands off to the Console's callback. */
export async function consoleCallback(h: Harness, email: string, challenge: string, state = 'console-state'): Promise<URL> {
  await askForConsoleLink(h, email, challenge, state);
  await h.drain();
  return pressSignIn(h, await lastLinkTo(email, 'auth/email-link'));
}

/** Hand-off codes for several people at once (one pass of the outbox): each with its PKCE verifier. */
export async function consoleCodes(h: Harness, emails: readonly string[]): Promise<{ code: string; verifier: string }[]> {
  const pairs = emails.map(() => pkcePair());
  for (const [i, email] of emails.entries()) await askForConsoleLink(h, email, pairs[i]!.challenge, 'console-state');
  await h.drain();
  const links = await lastLinksTo(emails, 'auth/email-link');
  const out: { code: string; verifier: string }[] = [];
  for (const [i, link] of links.entries()) out.push({ code: (await pressSignIn(h, link)).searchParams.get('code')!, verifier: pairs[i]!.verifier });
  return out;
}

/** A request as the Console page makes it: same origin, and the CSRF header unless told otherwise. */
export function sessionRequest(h: Harness, method: 'POST' | 'DELETE', path: string, opts: { cookie?: string; body?: unknown; csrf?: boolean; headers?: Record<string, string> } = {}): Promise<TestResponse> {
  return h.request(method, path, {
    body: opts.body,
    headers: {
      origin: consoleOrigin(),
      'sec-fetch-site': 'same-origin',
      ...(opts.csrf === false ? {} : { 'x-roster-csrf': '1' }),
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...opts.headers,
    },
  });
}

export const cookiePair = (setCookie: string | null): string => setCookie!.split(';')[0]!;

const exchangeCode = async (h: Harness, code: string, verifier: string): Promise<ConsoleSession> => {
  const r = await sessionRequest(h, 'POST', '/auth/session', { body: { code, codeVerifier: verifier } });
  expect(r.status).toBe(200);
  const setCookie = r.headers.get('set-cookie')!;
  return { accessToken: r.json.access_token, cookie: cookiePair(setCookie), setCookie };
};

export async function consoleSignIn(h: Harness, email: string): Promise<ConsoleSession> {
  const { verifier, challenge } = pkcePair();
  const callback = await consoleCallback(h, email, challenge);
  return exchangeCode(h, callback.searchParams.get('code')!, verifier);
}

/** Console sessions for several people at once. */
export async function consoleSignIns(h: Harness, emails: readonly string[]): Promise<ConsoleSession[]> {
  const out: ConsoleSession[] = [];
  for (const { code, verifier } of await consoleCodes(h, emails)) out.push(await exchangeCode(h, code, verifier));
  return out;
}

/**
 * A browser's "Sign in" / "Accept invitation" answer: 303 to `location` (a Console
 * path), an empty body, and the refresh credential only in the session cookie. Returns
 * the access token the Console's first refresh gets with that cookie.
 */
export async function landedInConsole(h: Harness, r: TestResponse, location: string): Promise<string> {
  expect(r.status).toBe(303);
  expect(r.headers.get('location')).toBe(location);
  expect(r.text).toBe('');
  const setCookie = r.headers.get('set-cookie')!;
  expect(setCookie).toMatch(/^roster_session=rrt_[A-Za-z0-9_-]{43}; /);
  expect(setCookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=2592000', 'Path=/auth/session', 'SameSite=Strict']);
  const refreshed = await sessionRequest(h, 'POST', '/auth/session/refresh', { cookie: cookiePair(setCookie) });
  expect(refreshed.status).toBe(200);
  return refreshed.json.access_token as string;
}
