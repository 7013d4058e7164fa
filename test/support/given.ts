/** Scenario steps shared by the test files. */
import { expect } from 'vitest';
import { uniqueEmail, type Harness } from './harness.js';
import { lastLinksTo } from './mail.js';

export interface Person {
  email: string;
  userId: string;
  token: string;
  refreshToken: string;
}

/** Sign up (or in) through the real email-link flow: request, mail, consume. */
export async function signIn(h: Harness, email: string, fullName = 'Test Person'): Promise<Person> {
  return (await signIns(h, [email], fullName))[0]!;
}

/** Several people signed in at once: one pass of the outbox for all their links. */
export async function signIns(h: Harness, emails: readonly string[], fullName = 'Test Person'): Promise<Person[]> {
  for (const email of emails) {
    const r = await h.request('POST', '/auth/email-link', { body: { email, fullName } });
    expect(r.status).toBe(202);
  }
  await h.drain();
  const links = await lastLinksTo(emails, 'auth/email-link');
  const people: Person[] = [];
  for (const [i, email] of emails.entries()) {
    const s = await h.request('POST', `/auth/email-link/${links[i]}`);
    expect(s.status).toBe(200);
    const me = await h.request('GET', '/me', { token: s.json.access_token });
    people.push({ email, userId: me.json.user.id, token: s.json.access_token, refreshToken: s.json.refresh_token });
  }
  return people;
}

export async function createWorkspace(h: Harness, owner: Person, name = 'Acme', seats?: number): Promise<string> {
  const r = await h.request('POST', '/workspaces', { token: owner.token, body: { name, ...(seats ? { seats } : {}) } });
  expect(r.status).toBe(201);
  return r.json.id as string;
}

/** A workspace with its owner and a signed-in admin. */
export interface Team {
  ws: string;
  owner: Person;
  admin: Person;
}

export async function team(h: Harness, opts: { name?: string; seats?: number; ownerName?: string } = {}): Promise<Team> {
  const owner = await signIn(h, uniqueEmail('owner'), opts.ownerName ?? 'Olive Owner');
  const ws = await createWorkspace(h, owner, opts.name ?? 'Acme', opts.seats ?? 10);
  const admin = await signedInMember(h, ws, { role: 'admin', fullName: 'Adam Admin' });
  return { ws, owner, admin };
}

/** A member who can sign in (the test holds their token), seeded directly rather than invited. */
export async function signedInMember(
  h: Harness,
  ws: string,
  opts: { role?: string; fullName?: string; joinedAt?: string; email?: string } = {},
): Promise<Person> {
  const role = opts.role ?? 'contributor';
  const fullName = opts.fullName ?? `Person ${role}`;
  const p = await signIn(h, opts.email ?? uniqueEmail(role), fullName);
  // Imported late: seeding loads the service configuration, which some test files set up first.
  const { seedMember } = await import('./seed.js');
  await seedMember(ws, { userId: p.userId, email: p.email, fullName, role, joinedAt: opts.joinedAt });
  return p;
}

export interface AppClient {
  clientId: string;
  clientSecret: string;
  /** A client-credentials access token with every scope of the access type. */
  token: string;
}

/** An application user created through the API by `by`, with a token of its own. */
export async function appUser(h: Harness, ws: string, by: Person, accessType: string, name = `${accessType} app`): Promise<AppClient> {
  const r = await h.request('POST', `/workspaces/${ws}/app-users`, { token: by.token, body: { name, accessType } });
  expect(r.status, r.text).toBe(201);
  const t = await h.request('POST', '/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: r.json.clientId, client_secret: r.json.clientSecret },
  });
  expect(t.status, t.text).toBe(200);
  return { clientId: r.json.clientId, clientSecret: r.json.clientSecret, token: t.json.access_token };
}
