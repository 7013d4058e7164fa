/**
 * The Console's session (docs/sessions.md "For the Console"). The access token is
 * held in this module's memory only; the refresh credential is the HttpOnly cookie
 * the browser sends to /auth/session/*, which no script here can read. Nothing
 * token-like is written to storage or a URL: the PKCE verifier stays in the memory
 * of the tab that asked for the link, and the tab the emailed link opens hands the
 * code back to it over a BroadcastChannel. The `state` carries a nonce and the page
 * to return to (a path, never a credential).
 */
const CSRF = { 'x-roster-csrf': '1' };
const CHANNEL = 'roster-sign-in';

let token: string | undefined;
let listeners: Array<(signedIn: boolean) => void> = [];

export const accessToken = () => token;

function setToken(next: string | undefined) {
  token = next;
  for (const l of listeners) l(next !== undefined);
}

export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.push(listener);
  return () => { listeners = listeners.filter((l) => l !== listener); };
}

async function rotate(): Promise<boolean> {
  const res = await fetch('/auth/session/refresh', { method: 'POST', headers: CSRF, credentials: 'same-origin' });
  if (!res.ok) { setToken(undefined); return false; }
  setToken(((await res.json()) as { access_token: string }).access_token);
  return true;
}

let inFlight: Promise<boolean> | undefined;

/**
 * A new access token from the cookie. Two tabs must not present the same cookie at
 * once (the second would look like reuse and end the session), so refreshes are
 * serialised across tabs with a Web Lock.
 */
export function refreshSession(): Promise<boolean> {
  // lib.dom types request() as resolving to the callback's own promise; it resolves to its value.
  const locked = () => navigator.locks.request('roster-refresh', rotate) as unknown as Promise<boolean>;
  inFlight ??= (navigator.locks ? locked() : rotate()).catch(() => false).finally(() => { inFlight = undefined; });
  return inFlight;
}

export async function signOut(): Promise<void> {
  await fetch('/auth/session', { method: 'DELETE', headers: CSRF, credentials: 'same-origin' });
  setToken(undefined);
}

/** After "sign out everywhere" the server has already ended this session too. */
export const forget = () => setToken(undefined);

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomText = () => b64url(crypto.getRandomValues(new Uint8Array(32)));

export const CALLBACK_PATH = '/console/callback';

const pending = new Map<string, string>(); // nonce → verifier, in this tab's memory only
let channel: BroadcastChannel | undefined;

interface CodeMessage { type: 'code'; code: string; state: string }
interface DoneMessage { type: 'done'; state: string; ok: boolean }

function openChannel(): BroadcastChannel {
  if (channel) return channel;
  channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = async (ev: MessageEvent<CodeMessage | DoneMessage>) => {
    const msg = ev.data;
    if (msg.type !== 'code') return;
    const nonce = msg.state.split('.')[0]!;
    const verifier = pending.get(nonce);
    if (!verifier) return;
    pending.delete(nonce);
    const ok = await exchange(msg.code, verifier);
    channel!.postMessage({ type: 'done', state: msg.state, ok } satisfies DoneMessage);
    if (ok) returnTo(pathFromState(msg.state));
  };
  return channel;
}

async function exchange(code: string, codeVerifier: string): Promise<boolean> {
  const res = await fetch('/auth/session', {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, codeVerifier }),
  });
  if (!res.ok) return false;
  setToken(((await res.json()) as { access_token: string }).access_token);
  return true;
}

const HOME = '/console/';
/** Only a Console path is a place to return to (never another origin). */
export function safePath(path: string | undefined): string {
  return path && path.startsWith('/console/') && !path.startsWith('//') && !path.startsWith(CALLBACK_PATH) ? path : HOME;
}
export function pathFromState(state: string): string {
  const dot = state.indexOf('.');
  try { return safePath(dot < 0 ? undefined : decodeURIComponent(state.slice(dot + 1))); } catch { return HOME; }
}

let returnTo: (path: string) => void = (path) => location.assign(path);
export const setNavigator = (navigate: (path: string) => void) => { returnTo = navigate; };

/** Ask for an emailed link that comes back to this Console, then to `path`. */
export async function requestSignInLink(email: string, path: string): Promise<Response> {
  const nonce = randomText();
  const verifier = randomText();
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  pending.set(nonce, verifier);
  openChannel();
  return fetch('/auth/email-link', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email, redirectUri: `${location.origin}${CALLBACK_PATH}`, state: `${nonce}.${encodeURIComponent(safePath(path))}`,
      codeChallenge: challenge, codeChallengeMethod: 'S256',
    }),
  });
}

/**
 * On /console/callback: take the code out of the address bar at once, hand it to the
 * tab that holds the verifier, and wait for it to say the session exists.
 */
export function completeCallback(timeoutMs = 5000): Promise<{ ok: boolean; path: string }> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code') ?? '';
  const state = params.get('state') ?? '';
  history.replaceState(null, '', CALLBACK_PATH);
  const path = pathFromState(state);
  const ch = openChannel();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, path }), timeoutMs);
    ch.addEventListener('message', async (ev: MessageEvent<CodeMessage | DoneMessage>) => {
      if (ev.data.type !== 'done' || ev.data.state !== state) return;
      clearTimeout(timer);
      resolve({ ok: ev.data.ok && (await refreshSession()), path });
    });
    ch.postMessage({ type: 'code', code, state } satisfies CodeMessage);
  });
}
