/** Structured request logs carry the route pattern and principal — never a token or secret. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => { process.env.LOG_LEVEL = 'INFO'; });

import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { lastLinkTo } from '../support/mail.js';

let h: Harness;
const lines: string[] = [];
beforeAll(async () => {
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    lines.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stdout.write);
  h = await startHarness();
});
afterAll(async () => { vi.restoreAllMocks(); await h.runtime.stop(); });

describe('logs', () => {
  it('never contain sign-in link tokens, access tokens or refresh tokens', async () => {
    const email = uniqueEmail('logged');
    await h.request('POST', '/auth/email-link', { body: { email } });
    await h.drain();
    const link = await lastLinkTo(email, 'auth/email-link');
    await h.request('GET', `/auth/email-link/${link}`);
    const session = (await h.request('POST', `/auth/email-link/${link}`)).json;
    await h.request('GET', '/me', { token: session.access_token });
    await h.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: session.refresh_token } });

    const logs = lines.join('');
    const requestLogs = logs.split('\n').filter((l) => l.includes('"message":"request"')).map((l) => JSON.parse(l));
    expect(requestLogs.map((l) => l.operation)).toEqual(expect.arrayContaining(['requestEmailLink', 'showEmailLink', 'consumeEmailLink', 'getMe', 'issueToken']));
    expect(requestLogs.find((l) => l.operation === 'consumeEmailLink').route).toBe('POST /auth/email-link/{token}');
    for (const secret of [link, session.access_token, session.refresh_token]) expect(logs).not.toContain(secret);
    expect(logs).not.toContain(email);
  });
});
