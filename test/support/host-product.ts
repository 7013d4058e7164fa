/**
 * A host product as it would integrate Roster: `openid-client` (which nobody here
 * wrote) configured as a public client from our discovery document, and a loopback
 * redirect URI (RFC 8252 §7.3) that records what the browser brings back.
 *
 * Start it before the harness: its redirect URI must be in ALLOWED_REDIRECT_URIS
 * when the service reads its configuration.
 */
import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import { expect } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { freePort } from '../../local/processes.js';
import { lastLinkTo } from './mail.js';

export interface HostProduct {
  redirectUri: string;
  /** Every URL the loopback redirect URI received, in order. */
  callbacks: URL[];
  /** openid-client's view of Roster, after discovery (call `discover` once the harness runs). */
  oidc: client.Configuration;
  discover(issuer: string): Promise<void>;
  /** A fresh PKCE pair and state, as a host product makes one per sign-in. */
  newAttempt(): Promise<Attempt>;
  stop(): Promise<void>;
}

export interface Attempt {
  verifier: string;
  challenge: string;
  state: string;
}

export const HOST_PAGE_TITLE = 'Host product';

export async function startHostProduct(): Promise<HostProduct> {
  const callbacks: URL[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', redirectUri);
    if (url.pathname !== '/callback') { res.writeHead(404).end(); return; } // the browser's /favicon.ico
    callbacks.push(url);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>${HOST_PAGE_TITLE}</title><h1>Back at the host product</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const host: HostProduct = {
    redirectUri,
    callbacks,
    oidc: undefined as unknown as client.Configuration,
    async discover(issuer) {
      host.oidc = await client.discovery(new URL(issuer), 'host-product', undefined, client.None(), { execute: [client.allowInsecureRequests] });
    },
    async newAttempt() {
      const verifier = client.randomPKCECodeVerifier();
      return { verifier, challenge: await client.calculatePKCECodeChallenge(verifier), state: client.randomState() };
    },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return host;
}

/** Ask Roster for a sign-in link that hands off to `redirectUri`; returns the emailed link token. */
export async function requestHandoffLink(h: Harness, email: string, redirectUri: string, attempt: Attempt): Promise<string> {
  const r = await h.request('POST', '/auth/email-link', {
    body: { email, fullName: 'Hand Off', redirectUri, state: attempt.state, codeChallenge: attempt.challenge, codeChallengeMethod: 'S256' },
  });
  expect(r.status).toBe(202);
  await h.drain();
  return lastLinkTo(email, 'auth/email-link');
}

/** Press "Sign in" without a browser: the 303 it answers, not followed. */
export async function pressSignIn(h: Harness, linkToken: string): Promise<Response> {
  return fetch(`${h.url}/auth/email-link/${linkToken}`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '',
  });
}

/**
 * The host product, then Roster on a port chosen up front so that PUBLIC_URL (the
 * issuer openid-client checks) names it, with the host's redirect URI (and `others`)
 * allowed. Call before anything loads shared/config.ts.
 */
export async function startWithHostProduct(others: string[] = []): Promise<{ h: Harness; host: HostProduct; issuer: string }> {
  const host = await startHostProduct();
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  process.env.PUBLIC_URL = issuer;
  process.env.ALLOWED_REDIRECT_URIS = [...others, host.redirectUri].join(', ');
  const h = await startHarness({ port });
  await host.discover(issuer);
  return { h, host, issuer };
}
