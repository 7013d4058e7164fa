/** Scenario steps shared by the test files. */
import { expect } from 'vitest';
import type { Harness } from './harness.js';
import { lastLinkTo } from './mail.js';

export interface Person {
  email: string;
  userId: string;
  token: string;
  refreshToken: string;
}

/** Sign up (or in) through the real email-link flow: request, mail, consume. */
export async function signIn(h: Harness, email: string, fullName = 'Test Person'): Promise<Person> {
  const r = await h.request('POST', '/auth/email-link', { body: { email, fullName } });
  expect(r.status).toBe(202);
  await h.drain();
  const token = await lastLinkTo(email, 'auth/email-link');
  const s = await h.request('POST', `/auth/email-link/${token}`);
  expect(s.status).toBe(200);
  const me = await h.request('GET', '/me', { token: s.json.access_token });
  return { email, userId: me.json.user.id, token: s.json.access_token, refreshToken: s.json.refresh_token };
}

export async function createWorkspace(h: Harness, owner: Person, name = 'Acme', seats?: number): Promise<string> {
  const r = await h.request('POST', '/workspaces', { token: owner.token, body: { name, ...(seats ? { seats } : {}) } });
  expect(r.status).toBe(201);
  return r.json.id as string;
}
