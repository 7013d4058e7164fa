/**
 * The Console's session cookie and the checks that make a cookie safe to honour
 * (API.md "Console session"). Cookies are HTTP: nothing below shared/http sees one.
 *
 * The cookie holds the session's refresh token and nothing else. `HttpOnly` keeps it
 * from page script, `SameSite=Strict` from cross-site requests, `Path=/auth/session`
 * from every request but the three session endpoints, and `Secure` (with the
 * `__Secure-` name prefix, so a plain-http origin cannot plant one) whenever
 * PUBLIC_URL is https.
 */
import { config } from '../config.js';
import { AppError, ForbiddenError } from '../errors.js';
import type { HttpResult } from './responses.js';

const secure = config.publicUrl.startsWith('https:');
export const SESSION_COOKIE = secure ? '__Secure-roster_session' : 'roster_session';
export const SESSION_COOKIE_PATH = '/auth/session';
export const CSRF_HEADER = 'x-roster-csrf';
const publicOrigin = new URL(config.publicUrl).origin;

function sessionCookieAttributes(maxAgeSeconds: number): string {
  return [`Path=${SESSION_COOKIE_PATH}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

/** Set-Cookie value carrying a refresh token (base64url with a prefix: no quoting needed). */
export const sessionCookie = (refreshToken: string, maxAgeSeconds: number): string =>
  `${SESSION_COOKIE}=${refreshToken}; ${sessionCookieAttributes(maxAgeSeconds)}`;

export const clearedSessionCookie = (): string => `${SESSION_COOKIE}=; ${sessionCookieAttributes(0)}`;

/**
 * Request cookies as a map. API Gateway (payload 2.0) hands them over in
 * `event.cookies`; a plain Cookie header is read too. The first value of a name wins.
 */
export function parseCookies(eventCookies: string[] | undefined, cookieHeader: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const pairs = [...(eventCookies ?? []), ...(cookieHeader ?? '').split(';')];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) continue;
    const name = pair.slice(0, eq).trim();
    if (!(name in out)) out[name] = pair.slice(eq + 1).trim();
  }
  return out;
}

/**
 * A cookie-authenticated request must come from our own origin. Browsers send
 * `Origin` on every POST and DELETE, and `Sec-Fetch-Site` on every request; a client
 * that sends neither is not a browser, and so cannot be riding a victim's cookie.
 */
export function assertSameOrigin(headers: Record<string, string | undefined>): void {
  const origin = headers.origin;
  const site = headers['sec-fetch-site'];
  if ((origin !== undefined && origin !== publicOrigin) || (site !== undefined && site !== 'same-origin')) {
    throw new ForbiddenError('Session requests must come from the Console on this origin.', 'cross_origin_request');
  }
}

/**
 * A browser confirming a link (our own page's form: "Sign in", "Accept invitation") may
 * leave with a Console session; a form posted from another site may not (login CSRF:
 * it would sign the victim in as someone else). Our pages are served with
 * `Referrer-Policy: no-referrer`, so browsers send `Origin: null` on their form posts;
 * `Sec-Fetch-Site` still says `same-origin`. Clients that send neither are not browsers.
 */
export function assertPostedFromOurPage(headers: Record<string, string | undefined>): void {
  const origin = headers.origin;
  const site = headers['sec-fetch-site'];
  const ours = origin === undefined || origin === publicOrigin || (origin === 'null' && site === 'same-origin');
  if (!ours || (site !== undefined && site !== 'same-origin')) {
    throw new ForbiddenError('Open the link and press the button on its page.', 'cross_origin_request');
  }
}

/**
 * A person who confirmed a link lands in the Console signed in: `303` to a Console
 * path (relative: the Console is on this origin) with the session's refresh token in
 * the cookie. The Console's first refresh turns it into an access token; no token is
 * ever in the URL.
 */
export function intoConsole(session: { refresh_token: string }, path = '/console/'): HttpResult<never> {
  return { statusCode: 303, headers: { location: path }, cookies: [sessionCookie(session.refresh_token, config.refreshTokenTtlSeconds)] };
}

/** A cross-site form or a simple request cannot set a custom header; a page on our origin can. */
export function assertCsrfHeader(headers: Record<string, string | undefined>): void {
  if (headers[CSRF_HEADER] !== '1') {
    throw new ForbiddenError(`Send the header ${'X-Roster-CSRF: 1'} with session requests.`, 'csrf_header_required');
  }
}

/** The Console's answer to a new or refreshed session: the access token in the body, the refresh token in the cookie. */
export function consoleSessionResult(session: { access_token: string; expires_in: number; refresh_token: string }): HttpResult<{ access_token: string; expires_in: number }> {
  return {
    statusCode: 200,
    body: { access_token: session.access_token, expires_in: session.expires_in },
    cookies: [sessionCookie(session.refresh_token, config.refreshTokenTtlSeconds)],
  };
}

/** An error answer that also clears the cookie (its session is over). */
export function clearingCookie(err: AppError): HttpResult<never> {
  return {
    statusCode: err.statusCode,
    raw: JSON.stringify(err.toJSON()),
    contentType: 'application/json',
    headers: err.headers,
    cookies: [clearedSessionCookie()],
  };
}
