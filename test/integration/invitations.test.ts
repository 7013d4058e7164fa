import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Config is read once at module load: a small daily budget, set before anything imports it.
vi.hoisted(() => {
  process.env.INVITATIONS_PER_WORKSPACE_PER_DAY = '30';
  process.env.ALLOWED_REDIRECT_URIS = 'https://app.example.com/welcome';
});

import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { emailsTo, lastLinkTo } from '../support/mail.js';
import { createWorkspace, signIn, type Person } from '../support/given.js';
import { seedMember } from '../support/seed.js';
import { clock, addSeconds } from '../../shared/clock.js';
import { transact } from '../../shared/data/core.js';
import { getMember, replaceMemberPart } from '../../shared/data/members.js';
import { advanceClock } from '../support/clock.js';
import { landedInConsole } from '../support/console-session.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

async function ownerWithWorkspace(seats?: number): Promise<{ owner: Person; ws: string }> {
  const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
  return { owner, ws: await createWorkspace(h, owner, 'Acme Workspace', seats) };
}

async function invite(owner: Person, ws: string, body: Record<string, unknown>) {
  return h.request('POST', `/workspaces/${ws}/invitations`, { token: owner.token, body });
}

/** Invite one address, send the mail, and return the token from the emailed link. */
async function inviteAndGetLink(owner: Person, ws: string, email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await invite(owner, ws, { emails: [email], ...extra });
  expect(r.status).toBe(200);
  expect(r.json.results[0].status).toBe('invited');
  await h.drain();
  return lastLinkTo(email, 'invitations');
}

async function listInvitations(owner: Person, ws: string) {
  const r = await h.request('GET', `/workspaces/${ws}/invitations?limit=100`, { token: owner.token });
  expect(r.status).toBe(200);
  return r.json.items as { id: string; email: string; status: string; emailStatus: string; role: string; expiresAt: string; lastSentAt: string }[];
}

async function seats(owner: Person, ws: string) {
  return (await h.request('GET', `/workspaces/${ws}`, { token: owner.token })).json.seats as { limit: number; used: number };
}

/** A removed member: by default inside the 14-day window; with a negative `purgeIn`, past it but not yet deleted by TTL. */
async function seedRemovedMember(ws: string, email: string, purgeInSeconds = 14 * 24 * 3600): Promise<string> {
  const { userId } = await seedMember(ws, { email, status: 'removed' });
  const m = (await getMember(ws, userId, 0))!;
  const now = clock.nowIso();
  await transact([replaceMemberPart({ ...m, removedAt: now, purgeAt: addSeconds(now, purgeInSeconds), beforeRemoval: { status: 'active', role: m.role } })]);
  return userId;
}

describe('bulk invitations', () => {
  it('accepts seed 002\'s string form and reports one result per distinct address', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const member = await seedMember(ws, { email: uniqueEmail('member') });
    const removed = uniqueEmail('removed');
    await seedRemovedMember(ws, removed);
    const pending = uniqueEmail('pending');
    await inviteAndGetLink(owner, ws, pending);
    const joe = uniqueEmail('joe.smith');
    const mary = uniqueEmail('mary.jones');

    const emails = `${joe}, ${mary.toUpperCase()}; ${member.email}\n${pending}\r\nnot-an-email,${removed} , ${joe.toUpperCase()};`;
    const r = await invite(owner, ws, { emails });
    expect(r.status).toBe(200);
    expect(r.json.results.map((x: { email: string; status: string }) => [x.email, x.status])).toEqual([
      [joe, 'invited'],
      [mary, 'invited'],
      [member.email, 'already_member'],
      [pending, 'already_invited'],
      ['not-an-email', 'invalid_email'],
      [removed, 'in_removal_window'],
    ]);
    const invited = r.json.results[0].invitation;
    expect(invited).toEqual({
      id: expect.stringMatching(/^inv_[0-9A-Z]{26}$/),
      email: joe,
      role: 'contributor',
      status: 'pending',
      invitedBy: { userId: owner.userId, fullName: 'Olive Owner' },
      createdAt: expect.any(String),
      expiresAt: addSeconds(invited.createdAt, 7 * 24 * 3600),
      lastSentAt: invited.createdAt,
      emailStatus: 'queued',
    });
    expect(r.json.results[5].purgeAt).toEqual(expect.any(String));
    expect(r.json.results[3].invitation.email).toBe(pending);

    // Each new invitation is emailed once, with a link that opens the invitation, and delivery shows up as emailStatus.
    await h.drain();
    for (const email of [joe, mary]) {
      const mails = await emailsTo(email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('Olive Owner invited you to Acme Workspace');
      expect(mails[0]!.body.text).toContain('http://127.0.0.1:3000/invitations/');
      expect(mails[0]!.body.html).toContain('Accept invitation');
      const token = await lastLinkTo(email, 'invitations');
      const details = await h.request('GET', `/invitations/${token}`);
      expect(details.status).toBe(200);
      expect(details.json).toEqual({
        workspace: { id: ws, name: 'Acme Workspace' }, email, role: 'contributor',
        invitedBy: { fullName: 'Olive Owner' }, expiresAt: expect.any(String), needsFullName: true,
      });
    }
    expect(await emailsTo(member.email)).toHaveLength(0);
    expect(await emailsTo(removed)).toHaveLength(0);
    expect(await emailsTo(pending)).toHaveLength(1);

    const list = await listInvitations(owner, ws);
    expect(list.map((i) => i.email).sort()).toEqual([joe, mary, pending].sort());
    expect(list.every((i) => i.emailStatus === 'sent' && i.status === 'pending')).toBe(true);

    const audit = await h.request('GET', `/workspaces/${ws}/audit-events?limit=10`, { token: owner.token });
    const invitedEvents = audit.json.items.filter((e: { action: string }) => e.action === 'member.invited');
    expect(invitedEvents).toHaveLength(3);
    expect(invitedEvents[0]).toMatchObject({ actor: { type: 'user', id: owner.userId }, target: { type: 'invitation' } });
  });

  it('uses the workspace default role, and refuses owner, unknown roles and bad input without inviting anyone', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    await h.request('PATCH', `/workspaces/${ws}`, { token: owner.token, body: { defaultRole: 'reader' } });
    const byDefault = await invite(owner, ws, { emails: uniqueEmail('default') });
    expect(byDefault.json.results[0].invitation.role).toBe('reader');
    const named = await invite(owner, ws, { emails: [uniqueEmail('named')], role: 'integrator', expiresInDays: 30 });
    expect(named.json.results[0].invitation.role).toBe('integrator');
    const inv = named.json.results[0].invitation;
    expect(Date.parse(inv.expiresAt) - Date.parse(inv.createdAt)).toBe(30 * 24 * 3600 * 1000);

    const owned = await invite(owner, ws, { emails: [uniqueEmail('x')], role: 'owner' });
    expect(owned.status).toBe(409);
    expect(owned.json.error.code).toBe('use_ownership_transfer');
    const unknown = await invite(owner, ws, { emails: [uniqueEmail('x')], role: 'wizard' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe('unknown_role');
    const tooMany = await invite(owner, ws, { emails: Array.from({ length: 101 }, (_, i) => `p${i}@example.com`).join(',') });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.details.fields.emails).toBeDefined();
    expect((await invite(owner, ws, { emails: ' ,; \n' })).status).toBe(400);
    expect((await invite(owner, ws, { emails: [uniqueEmail('x')], expiresInDays: 31 })).status).toBe(400);
    expect((await invite(owner, ws, { emails: [uniqueEmail('x')], expiresInDays: 0 })).status).toBe(400);
    expect((await listInvitations(owner, ws))).toHaveLength(2);
  });

  it('lists pending invitations page by page with an opaque cursor', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const emails = Array.from({ length: 5 }, () => uniqueEmail('page'));
    await invite(owner, ws, { emails });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const r = await h.request('GET', `/workspaces/${ws}/invitations?limit=2${q}`, { token: owner.token });
      expect(r.status).toBe(200);
      expect(r.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.json.items.map((i: { email: string }) => i.email));
      cursor = r.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(emails);
    const other = await ownerWithWorkspace();
    const first = await h.request('GET', `/workspaces/${ws}/invitations?limit=2`, { token: owner.token });
    const foreign = await h.request('GET', `/workspaces/${other.ws}/invitations?limit=2&cursor=${first.json.nextCursor}`, { token: other.owner.token });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.code).toBe('invalid_cursor');
  });

  it('limits invitations per workspace per day with 429 and Retry-After, all or nothing', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const first = await invite(owner, ws, { emails: Array.from({ length: 25 }, () => uniqueEmail('budget')) });
    expect(first.json.results.every((x: { status: string }) => x.status === 'invited')).toBe(true);
    const over = await invite(owner, ws, { emails: Array.from({ length: 6 }, () => uniqueEmail('over')) });
    expect(over.status).toBe(429);
    expect(over.json.error.code).toBe('rate_limited');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await listInvitations(owner, ws)).toHaveLength(25);
    // What is left of the budget can still be used; other workspaces have their own.
    expect((await invite(owner, ws, { emails: Array.from({ length: 5 }, () => uniqueEmail('rest')) })).status).toBe(200);
    expect((await invite(owner, ws, { emails: [uniqueEmail('one-more')] })).status).toBe(429);
    const other = await ownerWithWorkspace();
    expect((await invite(other.owner, other.ws, { emails: [uniqueEmail('elsewhere')] })).status).toBe(200);
  });
});

describe('the invitation link', () => {
  it('GET shows the invitation and never accepts; POST accepts exactly once and returns a session', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail('newbie');
    const token = await inviteAndGetLink(owner, ws, email, { role: 'integrator' });

    const page = await h.request('GET', `/invitations/${token}`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('Acme Workspace');
    expect(page.text).toContain('Olive Owner');
    expect(page.text).toContain('Integrator');
    expect(page.text).toContain('name="fullName"');
    expect(page.text).toContain(`<form method="post" action="/invitations/${token}/accept">`);
    expect(page.text).toContain('Accept invitation');
    for (let i = 0; i < 3; i++) expect((await h.request('GET', `/invitations/${token}`)).status).toBe(200);
    expect(await listInvitations(owner, ws)).toHaveLength(1);
    expect((await seats(owner, ws)).used).toBe(1);

    const nameless = await h.request('POST', `/invitations/${token}/accept`, { body: {} });
    expect(nameless.status).toBe(422);
    expect(nameless.json.error.code).toBe('full_name_required');

    const accepted = await h.request('POST', `/invitations/${token}/accept`, { body: { fullName: 'Nina Newbie' } });
    expect(accepted.status).toBe(200);
    expect(accepted.json).toMatchObject({
      workspace: { id: ws, name: 'Acme Workspace' },
      member: { email, fullName: 'Nina Newbie', role: 'integrator', status: 'active' },
      session: { token_type: 'Bearer', expires_in: 900, access_token: expect.any(String), refresh_token: expect.any(String) },
    });
    const me = await h.request('GET', '/me', { token: accepted.json.session.access_token });
    expect(me.json.user).toMatchObject({ email, fullName: 'Nina Newbie' });
    expect(me.json.workspaces).toEqual([{ id: ws, name: 'Acme Workspace', role: 'integrator', status: 'active' }]);
    expect((await seats(owner, ws)).used).toBe(2);
    expect(await listInvitations(owner, ws)).toHaveLength(0);

    const again = await h.request('POST', `/invitations/${token}/accept`, { body: { fullName: 'Nina Newbie' } });
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('invitation_not_found');
    expect((await h.request('GET', `/invitations/${token}`)).status).toBe(404);
    const gone = await h.request('GET', `/invitations/${token}`, { headers: { accept: 'text/html' } });
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toContain('text/html');

    const audit = await h.request('GET', `/workspaces/${ws}/audit-events?limit=2`, { token: owner.token });
    expect(audit.json.items.map((e: { action: string }) => e.action).sort()).toEqual(['invitation.accepted', 'member.joined']);
    expect(audit.json.items[0].actor).toEqual({ type: 'user', id: accepted.json.member.userId });
  });

  it('an existing user joins without giving a name; their name is kept', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const existing = await signIn(h, uniqueEmail('existing'), 'Erin Existing');
    const token = await inviteAndGetLink(owner, ws, existing.email);
    const details = await h.request('GET', `/invitations/${token}`);
    expect(details.json.needsFullName).toBe(false);
    const page = await h.request('GET', `/invitations/${token}`, { headers: { accept: 'text/html' } });
    expect(page.text).not.toContain('name="fullName"');
    const r = await h.request('POST', `/invitations/${token}/accept`);
    expect(r.status).toBe(200);
    expect(r.json.member).toMatchObject({ userId: existing.userId, fullName: 'Erin Existing', role: 'contributor' });
    const me = await h.request('GET', '/me', { token: existing.token });
    expect(me.json.workspaces).toEqual([{ id: ws, name: 'Acme Workspace', role: 'contributor', status: 'active' }]);
  });

  /** "Accept invitation" pressed on the link's page, as a browser posts it (our pages send no referrer: Origin is null). */
  const pressAccept = (token: string, headers: Record<string, string> = { origin: 'null', 'sec-fetch-site': 'same-origin' }) =>
    h.request('POST', `/invitations/${token}/accept`, {
      rawBody: 'fullName=Fran+Form', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers },
    });

  it('a browser that accepts lands in the Console on the workspace, signed in: 303 and the session cookie, no token in the URL or body', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail('form');
    const r = await pressAccept(await inviteAndGetLink(owner, ws, email));
    const accessToken = await landedInConsole(h, r, `/console/workspaces/${ws}/members`);
    const me = await h.request('GET', '/me', { token: accessToken });
    expect(me.json).toMatchObject({ user: { email, fullName: 'Fran Form' }, workspaces: [{ id: ws, role: 'contributor', status: 'active' }] });
  });

  it('a form posted from another site accepts nothing and sets no cookie (login CSRF); the page itself still can', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const token = await inviteAndGetLink(owner, ws, uniqueEmail('csrf'));
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example.net', 'sec-fetch-site': 'cross-site' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example.net' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      const r = await pressAccept(token, headers);
      expect({ status: r.status, cookie: r.headers.get('set-cookie') }, JSON.stringify(headers)).toEqual({ status: 403, cookie: null });
      expect(r.headers.get('content-type')).toContain('text/html');
    }
    expect((await listInvitations(owner, ws)).map((i) => i.status)).toEqual(['pending']);
    expect((await pressAccept(token)).status).toBe(303);
    expect(await listInvitations(owner, ws)).toEqual([]);
  });

  it('an invitation\'s own redirectUri must be on the allow-list: else 400 invalid_redirect_uri, and no one is invited or mailed', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    for (const redirectUri of ['https://evil.example.net/welcome', 'https://app.example.com/welcome/', 'https://app.example.com/welcome?x=1', 'javascript:alert(1)']) {
      const email = uniqueEmail('offlist');
      const r = await invite(owner, ws, { emails: [email], redirectUri });
      expect({ status: r.status, code: r.json.error.code, field: r.json.error.details?.fields?.redirectUri }, redirectUri)
        .toEqual({ status: 400, code: 'invalid_redirect_uri', field: 'not allowed' });
      await h.drain();
      expect(await emailsTo(email)).toEqual([]);
    }
    expect(await listInvitations(owner, ws)).toEqual([]);
  });

  it('with an allow-listed redirectUri, a browser that accepts is taken there — no code, no token, no cookie — also after a resend; an API client still gets its session', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail('redirected');
    await inviteAndGetLink(owner, ws, email, { redirectUri: 'https://app.example.com/welcome' });
    const [inv] = await listInvitations(owner, ws);
    expect(Object.keys(inv!)).not.toContain('redirectUri'); // not part of the contract's Invitation
    expect((await h.request('POST', `/workspaces/${ws}/invitations/${inv!.id}/resend`, { token: owner.token })).status).toBe(200);
    await h.drain();
    const r = await pressAccept(await lastLinkTo(email, 'invitations'));
    expect({ status: r.status, location: r.headers.get('location'), cookie: r.headers.get('set-cookie'), body: r.text })
      .toEqual({ status: 303, location: 'https://app.example.com/welcome', cookie: null, body: '' });
    const members = await h.request('GET', `/workspaces/${ws}/members?limit=100`, { token: owner.token });
    expect(members.json.items.find((m: { email: string }) => m.email === email)).toMatchObject({ fullName: 'Fran Form', status: 'active' });

    // The same invitation accepted by an API client: JSON with a session, as before.
    const apiEmail = uniqueEmail('redirected-api');
    const apiToken = await inviteAndGetLink(owner, ws, apiEmail, { redirectUri: 'https://app.example.com/welcome' });
    const api = await h.request('POST', `/invitations/${apiToken}/accept`, { body: { fullName: 'Api Person' } });
    expect(api.status).toBe(200);
    expect((await h.request('GET', '/me', { token: api.json.session.access_token })).json.user.email).toBe(apiEmail);
  });

  it('a used link pressed again in a browser gets a page saying so, and no cookie', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const token = await inviteAndGetLink(owner, ws, uniqueEmail('twice'));
    expect((await pressAccept(token)).status).toBe(303);
    const again = await pressAccept(token);
    expect({ status: again.status, cookie: again.headers.get('set-cookie') }).toEqual({ status: 404, cookie: null });
    expect(again.text).toContain('We could not accept this invitation');
  });

  it('is single-use under 10 concurrent accepts', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const token = await inviteAndGetLink(owner, ws, uniqueEmail('race'));
    const results = await Promise.all(Array.from({ length: 10 }, () =>
      h.request('POST', `/invitations/${token}/accept`, { body: { fullName: 'Rae Race' } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 404 && r.json.error.code === 'invitation_not_found')).toHaveLength(9);
    expect((await seats(owner, ws)).used).toBe(2);
  });

  it('with one free seat, ten simultaneous acceptances: exactly one joins, the rest stay pending', async () => {
    const { owner, ws } = await ownerWithWorkspace(2);
    const emails = Array.from({ length: 10 }, () => uniqueEmail('seat'));
    const r = await invite(owner, ws, { emails });
    expect(r.json.results.every((x: { status: string }) => x.status === 'invited')).toBe(true);
    await h.drain();
    const tokens = await Promise.all(emails.map((e) => lastLinkTo(e, 'invitations')));
    const results = await Promise.all(tokens.map((t, i) =>
      h.request('POST', `/invitations/${t}/accept`, { body: { fullName: `Seat Seeker ${i}` } })));
    expect(results.filter((x) => x.status === 200)).toHaveLength(1);
    const refused = results.filter((x) => x.status === 409);
    expect(refused).toHaveLength(9);
    expect(refused.every((x) => x.json.error.code === 'no_seat_available')).toBe(true);
    expect(await seats(owner, ws)).toEqual({ limit: 2, used: 2 });
    const pending = await listInvitations(owner, ws);
    expect(pending).toHaveLength(9);
    expect(pending.every((i) => i.status === 'pending')).toBe(true);
    // The refused links still work once a seat is added, and no user was half-created for them.
    const loser = tokens[results.findIndex((x) => x.status === 409)]!;
    expect((await h.request('GET', `/invitations/${loser}`)).json.needsFullName).toBe(true);
    await h.request('PUT', `/workspaces/${ws}/subscription`, { token: owner.token, body: { seats: 3 } });
    expect((await h.request('POST', `/invitations/${loser}/accept`, { body: { fullName: 'Late Comer' } })).status).toBe(200);
    expect(await seats(owner, ws)).toEqual({ limit: 3, used: 3 });
  });

  it('refuses an email that is already a member, or inside its removal window; the invitation stays', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const removed = uniqueEmail('gone');
    const removedToken = await inviteAndGetLink(owner, ws, removed);
    await seedRemovedMember(ws, removed);
    const r1 = await h.request('POST', `/invitations/${removedToken}/accept`, { body: { fullName: 'Gone Person' } });
    expect(r1.status).toBe(409);
    expect(r1.json.error.code).toBe('in_removal_window');
    expect(r1.json.error.details.purgeAt).toEqual(expect.any(String));

    const present = uniqueEmail('present');
    const presentToken = await inviteAndGetLink(owner, ws, present);
    await seedMember(ws, { email: present });
    const r2 = await h.request('POST', `/invitations/${presentToken}/accept`);
    expect(r2.status).toBe(409);
    expect(r2.json.error.code).toBe('already_member');
    expect(await listInvitations(owner, ws)).toHaveLength(2);
    expect((await seats(owner, ws)).used).toBe(2);
  });

  it('a removed record past its window counts as gone, even before DynamoDB deletes it', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail('returning');
    const userId = await seedRemovedMember(ws, email, -60);
    const token = await inviteAndGetLink(owner, ws, email, { role: 'reader' });
    const r = await h.request('POST', `/invitations/${token}/accept`);
    expect(r.status).toBe(200);
    expect(r.json.member).toEqual({
      userId, email, fullName: expect.any(String), role: 'reader', status: 'active', joinedAt: expect.any(String), updatedAt: expect.any(String),
    });
    expect((await seats(owner, ws)).used).toBe(2);
    const audit = await h.request('GET', `/workspaces/${ws}/audit-events?limit=3`, { token: owner.token });
    expect(audit.json.items.map((e: { action: string }) => e.action).sort()).toEqual(['invitation.accepted', 'member.joined', 'member.purged']);
  });
});

describe('resend and revoke', () => {
  it('resend issues a new link and expiry; the old link dies; emailStatus goes queued → sent', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail('resend');
    const oldToken = await inviteAndGetLink(owner, ws, email);
    const [before] = await listInvitations(owner, ws);
    expect(before!.emailStatus).toBe('sent');
    await advanceClock(h, 3600);
    const fresh = await signIn(h, owner.email, 'Olive Owner');

    const r = await h.request('POST', `/workspaces/${ws}/invitations/${before!.id}/resend`, { token: fresh.token });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: before!.id, email, status: 'pending', emailStatus: 'queued' });
    expect(Date.parse(r.json.expiresAt)).toBeGreaterThanOrEqual(Date.parse(before!.expiresAt) + 3600 * 1000);
    expect(r.json.lastSentAt > r.json.createdAt).toBe(true);
    expect((await h.request('GET', `/invitations/${oldToken}`)).status).toBe(404);

    await h.drain();
    expect(await emailsTo(email)).toHaveLength(2);
    const newToken = await lastLinkTo(email, 'invitations');
    expect(newToken).not.toBe(oldToken);
    expect((await listInvitations(fresh, ws))[0]!.emailStatus).toBe('sent');
    expect((await h.request('POST', `/invitations/${oldToken}/accept`, { body: { fullName: 'Old Link' } })).status).toBe(404);
    expect((await h.request('POST', `/invitations/${newToken}/accept`, { body: { fullName: 'New Link' } })).status).toBe(200);
    const audit = await h.request('GET', `/workspaces/${ws}/audit-events?limit=3`, { token: fresh.token });
    expect(audit.json.items.map((e: { action: string }) => e.action)).toContain('invitation.resent');
  });

  it('revoke kills the link and frees the email for a new invitation', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail('revoke');
    const token = await inviteAndGetLink(owner, ws, email);
    const [inv] = await listInvitations(owner, ws);
    const del = await h.request('DELETE', `/workspaces/${ws}/invitations/${inv!.id}`, { token: owner.token });
    expect(del.status).toBe(204);
    expect(await listInvitations(owner, ws)).toHaveLength(0);
    expect((await h.request('GET', `/invitations/${token}`)).status).toBe(404);
    expect((await h.request('POST', `/invitations/${token}/accept`, { body: { fullName: 'Too Late' } })).status).toBe(404);
    expect((await h.request('DELETE', `/workspaces/${ws}/invitations/${inv!.id}`, { token: owner.token })).status).toBe(404);
    expect((await h.request('POST', `/workspaces/${ws}/invitations/${inv!.id}/resend`, { token: owner.token })).status).toBe(404);
    expect((await invite(owner, ws, { emails: [email] })).json.results[0].status).toBe('invited');
    const audit = await h.request('GET', `/workspaces/${ws}/audit-events?limit=2`, { token: owner.token });
    expect(audit.json.items.map((e: { action: string }) => e.action)).toEqual(['member.invited', 'invitation.revoked']);
  });

  it('expiry follows the service clock: 410 on the link, "expired" in the list, and re-inviting replaces it', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail('late');
    const token = await inviteAndGetLink(owner, ws, email, { expiresInDays: 1 });
    expect((await h.request('GET', `/invitations/${token}`)).status).toBe(200);
    await advanceClock(h, 24 * 3600 + 1);
    const fresh = await signIn(h, owner.email, 'Olive Owner');

    const got = await h.request('GET', `/invitations/${token}`);
    expect(got.status).toBe(410);
    expect(got.json.error.code).toBe('invitation_expired');
    const posted = await h.request('POST', `/invitations/${token}/accept`, { body: { fullName: 'Late Person' } });
    expect(posted.status).toBe(410);
    const [listed] = await listInvitations(fresh, ws);
    expect(listed).toMatchObject({ email, status: 'expired' });

    const again = await invite(fresh, ws, { emails: [email] });
    expect(again.json.results[0]).toMatchObject({ email, status: 'invited', invitation: { status: 'pending' } });
    expect(again.json.results[0].invitation.id).not.toBe(listed!.id);
    const after = await listInvitations(fresh, ws);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(again.json.results[0].invitation.id);
    expect((await h.request('GET', `/invitations/${token}`)).status).toBe(404);
  });
});

describe('who may invite', () => {
  it('an application user with invitations:write invites in its own name', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const app = await h.request('POST', `/workspaces/${ws}/app-users`, { token: owner.token, body: { name: 'HR Sync', accessType: 'MembersManage' } });
    expect(app.status).toBe(201);
    const tok = await h.request('POST', '/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: app.json.clientId, client_secret: app.json.clientSecret },
    });
    expect(tok.status).toBe(200);
    const email = uniqueEmail('by-app');
    const r = await h.request('POST', `/workspaces/${ws}/invitations`, { token: tok.json.access_token, body: { emails: [email] } });
    expect(r.status).toBe(200);
    expect(r.json.results[0].invitation.invitedBy).toEqual({ userId: app.json.clientId, fullName: 'HR Sync' });
    await h.drain();
    expect((await emailsTo(email))[0]!.subject).toBe('HR Sync invited you to Acme Workspace');
    const audit = await h.request('GET', `/workspaces/${ws}/audit-events?limit=1`, { token: owner.token });
    expect(audit.json.items[0]).toMatchObject({ action: 'member.invited', actor: { type: 'app', id: app.json.clientId } });
  });

  it('members without members.manage cannot invite, list, resend or revoke', async () => {
    const { owner, ws } = await ownerWithWorkspace();
    await invite(owner, ws, { emails: [uniqueEmail('target')] });
    const [inv] = await listInvitations(owner, ws);
    const reader = await signIn(h, uniqueEmail('reader'));
    await seedMember(ws, { userId: reader.userId, email: reader.email, role: 'contributor_plus' });
    expect((await invite(reader, ws, { emails: [uniqueEmail('x')] })).status).toBe(403);
    expect((await h.request('GET', `/workspaces/${ws}/invitations`, { token: reader.token })).status).toBe(403);
    expect((await h.request('POST', `/workspaces/${ws}/invitations/${inv!.id}/resend`, { token: reader.token })).status).toBe(403);
    expect((await h.request('DELETE', `/workspaces/${ws}/invitations/${inv!.id}`, { token: reader.token })).status).toBe(403);
    expect(await listInvitations(owner, ws)).toHaveLength(1);
  });

  it('workspace B never sees or changes workspace A\'s invitations', async () => {
    const a = await ownerWithWorkspace();
    const b = await ownerWithWorkspace();
    const token = await inviteAndGetLink(a.owner, a.ws, uniqueEmail('a-invitee'));
    const [inv] = await listInvitations(a.owner, a.ws);
    const mails = (await emailsTo(inv!.email)).length;

    expect((await h.request('GET', `/workspaces/${a.ws}/invitations`, { token: b.owner.token })).status).toBe(404);
    expect((await invite(b.owner, a.ws, { emails: [uniqueEmail('x')] })).status).toBe(404);
    for (const path of [`/workspaces/${a.ws}/invitations/${inv!.id}`, `/workspaces/${b.ws}/invitations/${inv!.id}`]) {
      expect((await h.request('POST', `${path}/resend`, { token: b.owner.token })).status).toBe(404);
      expect((await h.request('DELETE', path, { token: b.owner.token })).status).toBe(404);
    }
    expect(await listInvitations(b.owner, b.ws)).toHaveLength(0);
    const still = await listInvitations(a.owner, a.ws);
    expect(still).toHaveLength(1);
    expect(still[0]!.lastSentAt).toBe(inv!.lastSentAt);
    await h.drain();
    expect(await emailsTo(inv!.email)).toHaveLength(mails);
    expect((await h.request('GET', `/invitations/${token}`)).status).toBe(200);
  });
});
