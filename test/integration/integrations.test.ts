/**
 * Integrations and sharing (seed 000) on DynamoDB Local + the SES emulator: who sees
 * and changes what, "Specify Owners / Specify Users" by email or id with one email per
 * newly added person, application-user scopes, tenant isolation, and what removal,
 * restore and purge of a member do to the integrations they owned (seed 002).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness, type TestResponse } from '../support/harness.js';
import { signIn, type Person, type Team } from '../support/given.js';
import * as given from '../support/given.js';
import { seedMember, type SeededMember } from '../support/seed.js';
import { emailsTo, linksIn } from '../support/mail.js';
import { allGrantsOfUser, getIntegration } from '../../shared/data/integrations.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

const team = () => given.team(h, { name: 'Acme Integrations', seats: 100, ownerName: 'Olivia Owner' });
const member = (ws: string, role = 'contributor', fullName?: string) => given.signedInMember(h, ws, { role, fullName });

const base = (t: Team) => `/workspaces/${t.ws}/integrations`;

async function create(t: Team, by: Person | string, name = 'Salesforce sync'): Promise<string> {
  const r = await h.request('POST', base(t), { token: typeof by === 'string' ? by : by.token, body: { name, kind: 'crm', config: { region: 'eu' } } });
  expect(r.status).toBe(201);
  return r.json.id as string;
}

const share = (t: Team, id: string, by: Person | string, body: Record<string, unknown>) =>
  h.request('PUT', `${base(t)}/${id}/sharing`, { token: typeof by === 'string' ? by : by.token, body });

const get = (t: Team, id: string, by: Person | string) => h.request('GET', `${base(t)}/${id}`, { token: typeof by === 'string' ? by : by.token });

async function sharedMails(address: string) {
  return (await emailsTo(address)).filter((m) => m.subject.includes('shared the integration'));
}

async function audit(t: Team, targetId: string) {
  const r = await h.request('GET', `/workspaces/${t.ws}/audit-events?limit=100`, { token: t.owner.token });
  expect(r.status).toBe(200);
  return (r.json.items as { action: string; actor: { type: string; id: string }; target: { id: string }; details: Record<string, unknown> }[])
    .filter((e) => e.target.id === targetId);
}

const ids = (r: TestResponse) => (r.json.items as { id: string }[]).map((i) => i.id);

async function appToken(t: Team, accessType: string, name = `${accessType} client`): Promise<{ token: string; clientId: string }> {
  const app = await h.request('POST', `/workspaces/${t.ws}/app-users`, { token: t.owner.token, body: { name, accessType } });
  expect(app.status).toBe(201);
  const tok = await h.request('POST', '/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: app.json.clientId, client_secret: app.json.clientSecret },
  });
  expect(tok.status).toBe(200);
  return { token: tok.json.access_token as string, clientId: app.json.clientId as string };
}

describe('creating and reading integrations', () => {
  it('the creator is the only owner; the view has the contract shape; the change is audited', async () => {
    const t = await team();
    const c = await member(t.ws, 'contributor');
    const r = await h.request('POST', base(t), { token: c.token, body: { name: ' HubSpot ', kind: 'crm' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ name: 'HubSpot', kind: 'crm', owners: [c.userId], users: [], status: 'active', createdBy: c.userId });
    expect(r.json.id).toMatch(/^int_[0-9A-Z]{26}$/);
    expect(Date.parse(r.json.createdAt)).not.toBeNaN();
    expect((await get(t, r.json.id, c)).json).toEqual(r.json);
    expect((await audit(t, r.json.id)).map((e) => e.action)).toEqual(['integration.created']);
  });

  it('needs integrations.create: a reader or restricted contributor cannot create (403), nothing is written', async () => {
    const t = await team();
    for (const role of ['reader', 'restricted_contributor']) {
      const p = await member(t.ws, role);
      const r = await h.request('POST', base(t), { token: p.token, body: { name: 'Nope' } });
      expect(r.status).toBe(403);
    }
    expect(ids(await h.request('GET', base(t), { token: t.owner.token }))).toEqual([]);
  });

  it('rejects bad input with 400 and changes nothing', async () => {
    const t = await team();
    const id = await create(t, t.owner);
    for (const body of [{}, { name: '' }, { name: 'x', extra: 1 }, { name: 'x', config: 'nope' }]) {
      expect((await h.request('POST', base(t), { token: t.owner.token, body })).status).toBe(400);
    }
    for (const body of [{ owners: [], users: [] }, { owners: [t.owner.userId] }, { owners: 'x', users: [] }]) {
      const r = await share(t, id, t.owner, body);
      expect(r.status).toBe(400);
    }
    expect((await h.request('PATCH', `${base(t)}/${id}`, { token: t.owner.token, body: { name: '' } })).status).toBe(400);
    expect((await get(t, id, t.owner)).json).toMatchObject({ name: 'Salesforce sync', owners: [t.owner.userId], users: [] });
  });
});

describe('sharing ("Specify Owners" / "Specify Users")', () => {
  it('emails exactly one message per newly added person, none to those already there', async () => {
    const t = await team();
    const id = await create(t, t.owner, 'Partner pipeline');
    const ann = await seedMember(t.ws, { fullName: 'Ann User' });
    const bob = await seedMember(t.ws, { fullName: 'Bob User' });
    const cat = await seedMember(t.ws, { fullName: 'Cat Owner' });

    // By email (any case, spaces) and by user id.
    const r = await share(t, id, t.owner, { owners: [t.owner.email], users: [`  ${ann.email.toUpperCase()} `, bob.userId] });
    expect(r.status).toBe(200);
    expect(r.json.owners).toEqual([t.owner.userId]);
    expect(r.json.users).toEqual([ann.userId, bob.userId]);
    await h.drain();
    const annMail = await sharedMails(ann.email);
    expect(annMail).toHaveLength(1);
    expect(annMail[0]!.subject).toBe('Olivia Owner shared the integration "Partner pipeline" with you');
    expect(linksIn(annMail[0]!)).toEqual([`http://127.0.0.1:3000/console/workspaces/${t.ws}/integrations/${id}`]);
    expect(annMail[0]!.body.text).toContain('user access');
    expect(annMail[0]!.body.html).toContain('Partner pipeline');
    expect(await sharedMails(bob.email)).toHaveLength(1);
    expect(await sharedMails(t.owner.email)).toHaveLength(0);

    // The same sets again: nothing changes, nobody is emailed, nothing is audited.
    expect((await share(t, id, t.owner, { owners: [t.owner.userId], users: [bob.email, ann.userId] })).status).toBe(200);
    await h.drain();
    expect(await sharedMails(ann.email)).toHaveLength(1);
    expect(await sharedMails(bob.email)).toHaveLength(1);

    // Add Cat as owner, drop Bob: only Cat hears about it.
    const next = await share(t, id, t.owner, { owners: [t.owner.userId, cat.email], users: [ann.userId] });
    expect(next.json).toMatchObject({ owners: [t.owner.userId, cat.userId], users: [ann.userId] });
    await h.drain();
    const catMail = await sharedMails(cat.email);
    expect(catMail).toHaveLength(1);
    expect(catMail[0]!.body.text).toContain('owner access');
    expect(await sharedMails(ann.email)).toHaveLength(1);
    expect(await sharedMails(bob.email)).toHaveLength(1);

    const events = (await audit(t, id)).filter((e) => e.action === 'integration.shared');
    expect(events).toHaveLength(2);
    expect(events[0]!.details).toMatchObject({ added: [{ userId: cat.userId, as: 'owner' }], removed: [bob.userId] });
    expect(events[1]!.details).toMatchObject({ added: [{ userId: ann.userId, as: 'user' }, { userId: bob.userId, as: 'user' }], removed: [] });
  });

  it('notify: false shares without email; a person named in both sets is an owner', async () => {
    const t = await team();
    const id = await create(t, t.owner);
    const dan = await seedMember(t.ws);
    const r = await share(t, id, t.owner, { owners: [t.owner.userId, dan.userId], users: [dan.email], notify: false });
    expect(r.json).toMatchObject({ owners: [t.owner.userId, dan.userId], users: [] });
    await h.drain();
    expect(await sharedMails(dan.email)).toHaveLength(0);
  });

  it('unknown or inactive people → 422 unknown_members listing each of them; nothing changes and nobody is emailed', async () => {
    const t = await team();
    const id = await create(t, t.owner);
    const fine = await seedMember(t.ws);
    const suspended = await seedMember(t.ws, { status: 'suspended' });
    const deactivated = await seedMember(t.ws, { status: 'deactivated' });
    const removed = await seedMember(t.ws);
    expect((await h.request('DELETE', `/workspaces/${t.ws}/members/${removed.userId}`, { token: t.owner.token })).status).toBe(200);
    const other = await team();
    const stranger = uniqueEmail('stranger');

    const r = await share(t, id, t.owner, {
      owners: [t.owner.userId, suspended.email],
      users: [fine.email, stranger, 'usr_01JNOSUCHUSER0000000000000', deactivated.userId, removed.email, other.admin.email],
    });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe('unknown_members');
    expect(r.json.error.details.unknown.sort()).toEqual([
      suspended.email, stranger, 'usr_01JNOSUCHUSER0000000000000', deactivated.userId, removed.email, other.admin.email,
    ].sort());
    expect((await get(t, id, t.owner)).json).toMatchObject({ owners: [t.owner.userId], users: [] });
    await h.drain();
    expect(await sharedMails(fine.email)).toHaveLength(0);
  });

  it('an application user cannot be an owner: app-created integrations start without owners until shared', async () => {
    const t = await team();
    const writer = await appToken(t, 'ObjectReadWrite');
    const created = await h.request('POST', base(t), { token: writer.token, body: { name: 'Nightly export' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ owners: [], users: [], createdBy: writer.clientId, kind: 'custom' });
    const contributor = await member(t.ws);
    expect((await get(t, created.json.id, contributor)).status).toBe(404);
    expect((await get(t, created.json.id, t.admin)).status).toBe(200);
    const shared = await share(t, created.json.id, t.admin, { owners: [contributor.userId], users: [] });
    expect(shared.json.owners).toEqual([contributor.userId]);
    expect((await get(t, created.json.id, contributor)).status).toBe(200);
  });

  it('one change adds at most 49 people (one transaction); emails that do not fit beside it still go, once each', async () => {
    const t = await team();
    const id = await create(t, t.owner, 'Company-wide');
    const people = await Promise.all(Array.from({ length: 50 }, () => seedMember(t.ws)));
    const tooMany = await share(t, id, t.owner, { owners: [t.owner.userId], users: people.map((p) => p.email) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.error).toMatchObject({ code: 'sharing_change_too_large', details: { maxChangedPeople: 49 } });
    expect((await get(t, id, t.owner)).json.users).toEqual([]);

    const first = people.slice(0, 45);
    const ok = await share(t, id, t.owner, { owners: [t.owner.userId], users: first.map((p) => p.email) });
    expect(ok.status).toBe(200);
    expect(ok.json.users).toHaveLength(45);
    await h.drain();
    for (const p of first) expect(await sharedMails(p.email)).toHaveLength(1);
    expect(await sharedMails(people[49]!.email)).toHaveLength(0);
  });

  it('concurrent sharing changes serialise: the final lists match one request and every grant matches the lists', async () => {
    const t = await team();
    const id = await create(t, t.owner);
    const people = await Promise.all(Array.from({ length: 6 }, () => seedMember(t.ws)));
    const sets = people.map((p, i) => ({ owners: [t.owner.userId], users: [p.userId, people[(i + 1) % people.length]!.userId], notify: false }));
    const results = await Promise.all(sets.map((s) => share(t, id, t.owner, s)));
    expect(results.map((r) => r.status)).toEqual(sets.map(() => 200));

    const final = await getIntegration(t.ws, id, true);
    expect(sets.some((s) => JSON.stringify(s.users) === JSON.stringify(final!.users))).toBe(true);
    for (const p of [...people, { userId: t.owner.userId } as SeededMember]) {
      const grants = (await allGrantsOfUser(t.ws, p.userId)).filter((g) => g.integrationId === id && !g.dormant);
      const expected = final!.owners.includes(p.userId) ? ['owner'] : final!.users.includes(p.userId) ? ['user'] : [];
      expect(grants.map((g) => g.as)).toEqual(expected);
    }
  });
});

describe('who sees and changes what', () => {
  it('non-owners without integrations.manage_all cannot see or change unshared integrations (404); users may read only', async () => {
    const t = await team();
    const id = await create(t, t.owner, 'Secret');
    const c = await member(t.ws, 'contributor_plus');
    const path = `${base(t)}/${id}`;

    const hidden = async () => {
      expect(ids(await h.request('GET', base(t), { token: c.token }))).not.toContain(id);
      expect((await get(t, id, c)).status).toBe(404);
      expect((await h.request('PATCH', path, { token: c.token, body: { name: 'Mine' } })).status).toBe(404);
      expect((await share(t, id, c, { owners: [c.userId], users: [] })).status).toBe(404);
      expect((await h.request('DELETE', path, { token: c.token })).status).toBe(404);
    };
    await hidden();

    expect((await share(t, id, t.owner, { owners: [t.owner.userId], users: [c.userId], notify: false })).status).toBe(200);
    expect(ids(await h.request('GET', base(t), { token: c.token }))).toEqual([id]);
    expect((await get(t, id, c)).status).toBe(200);
    const patch = await h.request('PATCH', path, { token: c.token, body: { name: 'Mine' } });
    expect(patch.status).toBe(403);
    expect((await share(t, id, c, { owners: [c.userId], users: [] })).status).toBe(403);
    expect((await h.request('DELETE', path, { token: c.token })).status).toBe(403);
    expect((await get(t, id, t.owner)).json).toMatchObject({ name: 'Secret', owners: [t.owner.userId], users: [c.userId] });

    // Taken off again: hidden again.
    expect((await share(t, id, t.owner, { owners: [t.owner.userId], users: [], notify: false })).status).toBe(200);
    await hidden();
  });

  it('owners may update, share and delete; manage_all (admin) may do all of it on anyone\'s integration', async () => {
    const t = await team();
    const c = await member(t.ws);
    const mine = await create(t, c, 'Mine');
    const other = await create(t, t.owner, 'Theirs');

    const list = await h.request('GET', base(t), { token: t.admin.token });
    expect(ids(list)).toEqual([mine, other]);
    expect(ids(await h.request('GET', base(t), { token: c.token }))).toEqual([mine]);

    const upd = await h.request('PATCH', `${base(t)}/${mine}`, { token: c.token, body: { name: 'Mine v2', config: { token: 'hidden' } } });
    expect(upd.status).toBe(200);
    expect(upd.json).toMatchObject({ name: 'Mine v2', config: { token: 'hidden' } });
    const updated = (await audit(t, mine)).find((e) => e.action === 'integration.updated')!;
    expect(updated.details).toEqual({ fields: ['name', 'config'] });
    expect(JSON.stringify(updated)).not.toContain('hidden');

    expect((await h.request('PATCH', `${base(t)}/${mine}`, { token: t.admin.token, body: { kind: 'erp' } })).json.kind).toBe('erp');
    expect((await share(t, mine, t.admin, { owners: [t.admin.userId], users: [c.userId], notify: false })).json.owners).toEqual([t.admin.userId]);
    expect((await h.request('DELETE', `${base(t)}/${other}`, { token: t.admin.token })).status).toBe(204);
    expect((await get(t, other, t.owner)).status).toBe(404);
    expect(await allGrantsOfUser(t.ws, t.owner.userId)).toEqual([]);
    expect((await audit(t, other)).map((e) => e.action)).toEqual(['integration.deleted', 'integration.created']);
  });

  it('lists page with opaque cursors; a cursor from another list is 400 invalid_cursor', async () => {
    const t = await team();
    const c = await member(t.ws);
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await create(t, c, `I${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: TestResponse = await h.request('GET', `${base(t)}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: c.token });
      expect(r.status).toBe(200);
      seen.push(...ids(r));
      cursor = r.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created);
    const adminPage = await h.request('GET', `${base(t)}?limit=2`, { token: t.admin.token });
    const foreign = await h.request('GET', `${base(t)}?cursor=${adminPage.json.nextCursor}`, { token: c.token });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.code).toBe('invalid_cursor');
  });
});

describe('application users (scopes)', () => {
  it('ObjectRead lists and reads every integration but cannot create, update, share or delete', async () => {
    const t = await team();
    const c = await member(t.ws);
    const id = await create(t, c);
    const reader = await appToken(t, 'ObjectRead');
    expect(ids(await h.request('GET', base(t), { token: reader.token }))).toEqual([id]);
    expect((await get(t, id, reader.token)).status).toBe(200);
    expect((await h.request('POST', base(t), { token: reader.token, body: { name: 'x' } })).status).toBe(403);
    expect((await h.request('PATCH', `${base(t)}/${id}`, { token: reader.token, body: { name: 'x' } })).status).toBe(403);
    expect((await share(t, id, reader.token, { owners: [c.userId], users: [] })).status).toBe(403);
    expect((await h.request('DELETE', `${base(t)}/${id}`, { token: reader.token })).status).toBe(403);
  });

  it('ObjectReadWrite creates, updates and deletes (audited as the app); ObjectLink shares, emailing the app\'s name', async () => {
    const t = await team();
    const c = await member(t.ws);
    const id = await create(t, c, 'Shared by a robot');
    const writer = await appToken(t, 'ObjectReadWrite');
    expect((await h.request('PATCH', `${base(t)}/${id}`, { token: writer.token, body: { name: 'Renamed' } })).status).toBe(200);
    expect((await share(t, id, writer.token, { owners: [c.userId], users: [] })).status).toBe(403);

    const linker = await appToken(t, 'ObjectLink', 'Partner Link Bot');
    const friend = await seedMember(t.ws);
    const r = await share(t, id, linker.token, { owners: [c.userId], users: [friend.email] });
    expect(r.status).toBe(200);
    await h.drain();
    expect((await sharedMails(friend.email))[0]!.subject).toBe('Partner Link Bot shared the integration "Renamed" with you');
    expect((await audit(t, id)).find((e) => e.action === 'integration.shared')!.actor).toEqual({ type: 'app', id: linker.clientId });

    expect((await h.request('DELETE', `${base(t)}/${id}`, { token: writer.token })).status).toBe(204);
    expect((await get(t, id, c)).status).toBe(404);
  });
});

describe('tenant isolation', () => {
  it('workspace B\'s people and app users get 404 on every integration route of workspace A', async () => {
    const a = await team();
    const b = await team();
    const id = await create(a, a.owner);
    const bApp = await appToken(b, 'ObjectReadWrite');
    const bLink = await appToken(b, 'ObjectLink');
    const routes: [string, string, unknown?][] = [
      ['GET', base(a)],
      ['POST', base(a), { name: 'x' }],
      ['GET', `${base(a)}/${id}`],
      ['PATCH', `${base(a)}/${id}`, { name: 'x' }],
      ['PUT', `${base(a)}/${id}/sharing`, { owners: [b.owner.userId], users: [] }],
      ['DELETE', `${base(a)}/${id}`],
    ];
    for (const token of [b.owner.token, b.admin.token, bApp.token, bLink.token]) {
      for (const [method, path, body] of routes) {
        const r = await h.request(method, path, { token, body });
        expect(r.status, `${method} ${path}`).toBe(404);
      }
    }
    // A's integration id under B's workspace names nothing either.
    expect((await h.request('GET', `${base(b)}/${id}`, { token: b.owner.token })).status).toBe(404);
    expect((await get(a, id, a.owner)).json).toMatchObject({ name: 'Salesforce sync', owners: [a.owner.userId] });
  });

  it('every route needs a token (401)', async () => {
    const t = await team();
    const id = await create(t, t.owner);
    const routes: [string, string, unknown?][] = [
      ['GET', base(t)], ['POST', base(t), { name: 'x' }], ['GET', `${base(t)}/${id}`], ['PATCH', `${base(t)}/${id}`, { name: 'x' }],
      ['PUT', `${base(t)}/${id}/sharing`, { owners: [t.owner.userId], users: [] }], ['DELETE', `${base(t)}/${id}`],
    ];
    for (const [method, path, body] of routes) {
      expect((await h.request(method, path, { body })).status, `${method} ${path}`).toBe(401);
    }
    expect((await get(t, id, t.owner)).status).toBe(200);
  });
});

describe('removal, restore and purge of a member (seed 002)', () => {
  it('solely-owned integrations become orphaned — invisible to administrators too — and return on restore', async () => {
    const t = await team();
    const m = await member(t.ws, 'contributor', 'Mia Member');
    const co = await member(t.ws);
    const solo = await create(t, m, 'Solo');
    const joint = await create(t, m, 'Joint');
    await share(t, joint, m, { owners: [m.userId, co.userId], users: [], notify: false });
    const theirs = await create(t, t.owner, 'Theirs');
    await share(t, theirs, t.owner, { owners: [t.owner.userId], users: [m.userId, co.userId], notify: false });

    const rm = await h.request('DELETE', `/workspaces/${t.ws}/members/${m.userId}`, { token: t.admin.token });
    expect(rm.status).toBe(200);

    for (const who of [t.owner, t.admin]) {
      expect((await get(t, solo, who)).status).toBe(404);
      expect((await h.request('PATCH', `${base(t)}/${solo}`, { token: who.token, body: { name: 'x' } })).status).toBe(404);
      expect((await share(t, solo, who, { owners: [who.userId], users: [] })).status).toBe(404);
      expect((await h.request('DELETE', `${base(t)}/${solo}`, { token: who.token })).status).toBe(404);
      expect(ids(await h.request('GET', base(t), { token: who.token }))).not.toContain(solo);
    }
    expect((await get(t, solo, (await appToken(t, 'ObjectRead')).token)).status).toBe(404);
    // Shared ones stay, without the removed member.
    expect((await get(t, joint, co)).json.owners).toEqual([co.userId]);
    expect((await get(t, theirs, t.owner)).json.users).toEqual([co.userId]);
    expect((await audit(t, solo)).map((e) => e.action)).toContain('integration.orphaned');

    const restore = await h.request('POST', `/workspaces/${t.ws}/members/${m.userId}/restore`, { token: t.admin.token });
    expect(restore.status).toBe(200);
    const back = await get(t, solo, t.admin);
    expect(back.status).toBe(200);
    expect(back.json).toMatchObject({ status: 'active', owners: [m.userId], name: 'Solo' });
    expect((await get(t, joint, co)).json.owners.sort()).toEqual([m.userId, co.userId].sort());
    expect((await get(t, theirs, t.owner)).json.users.sort()).toEqual([m.userId, co.userId].sort());
    const mAgain = await signIn(h, m.email);
    expect(ids(await h.request('GET', base(t), { token: mAgain.token })).sort()).toEqual([solo, joint, theirs].sort());
    expect((await audit(t, solo)).map((e) => e.action)).toEqual(['integration.restored', 'integration.orphaned', 'integration.created']);
  });

  it('co-owners removed one after the other: the last one orphans it, and the first owner back revives it', async () => {
    const t = await team();
    const m = await member(t.ws);
    const n = await member(t.ws);
    const id = await create(t, m, 'Twice removed');
    await share(t, id, m, { owners: [m.userId, n.userId], users: [], notify: false });
    await h.request('DELETE', `/workspaces/${t.ws}/members/${n.userId}`, { token: t.owner.token });
    expect((await get(t, id, t.admin)).json.owners).toEqual([m.userId]);
    await h.request('DELETE', `/workspaces/${t.ws}/members/${m.userId}`, { token: t.owner.token });
    expect((await get(t, id, t.admin)).status).toBe(404);

    await h.request('POST', `/workspaces/${t.ws}/members/${n.userId}/restore`, { token: t.owner.token });
    expect((await get(t, id, t.admin)).json).toMatchObject({ status: 'active', owners: [n.userId] });
    await h.request('POST', `/workspaces/${t.ws}/members/${m.userId}/restore`, { token: t.owner.token });
    expect((await get(t, id, t.admin)).json.owners.sort()).toEqual([m.userId, n.userId].sort());
  });

  it('with reassignTo, solely-owned integrations move to that member (users become owner if needed)', async () => {
    const t = await team();
    const m = await member(t.ws);
    const heir = await member(t.ws);
    const id = await create(t, m, 'Inherited');
    await share(t, id, m, { owners: [m.userId], users: [heir.userId], notify: false });
    const rm = await h.request('DELETE', `/workspaces/${t.ws}/members/${m.userId}`, { token: t.owner.token, body: { reassignTo: heir.userId } });
    expect(rm.status).toBe(200);
    const got = await get(t, id, heir);
    expect(got.json).toMatchObject({ status: 'active', owners: [heir.userId], users: [] });
    expect((await h.request('PATCH', `${base(t)}/${id}`, { token: heir.token, body: { name: 'Mine now' } })).status).toBe(200);
    expect((await audit(t, id)).find((e) => e.action === 'integration.reassigned')!.details).toEqual({ from: m.userId, to: heir.userId });
    // Restoring the old owner does not take it back from the heir.
    await h.request('POST', `/workspaces/${t.ws}/members/${m.userId}/restore`, { token: t.owner.token });
    expect((await get(t, id, heir)).json.owners).toEqual([heir.userId]);
  });

  it('purge deletes the orphaned integrations and every grant on them', async () => {
    const t = await team();
    const m = await member(t.ws);
    const user = await seedMember(t.ws);
    const id = await create(t, m);
    await share(t, id, m, { owners: [m.userId], users: [user.userId], notify: false });
    await h.request('DELETE', `/workspaces/${t.ws}/members/${m.userId}`, { token: t.owner.token });
    const purge = await h.request('DELETE', `/workspaces/${t.ws}/members/${m.userId}?purge=true`, { token: t.owner.token });
    expect(purge.status).toBe(200);
    expect(await getIntegration(t.ws, id, true)).toBeUndefined();
    expect(await allGrantsOfUser(t.ws, m.userId)).toEqual([]);
    expect((await allGrantsOfUser(t.ws, user.userId)).filter((g) => g.integrationId === id)).toEqual([]);
    expect((await audit(t, id)).map((e) => e.action)[0]).toBe('integration.purged');
  });

  it('a removed member cannot be shared with, and drops out of the lists at once', async () => {
    const t = await team();
    const id = await create(t, t.owner);
    const gone = await seedMember(t.ws);
    await share(t, id, t.owner, { owners: [t.owner.userId, gone.userId], users: [], notify: false });
    await h.request('DELETE', `/workspaces/${t.ws}/members/${gone.userId}`, { token: t.owner.token });
    expect((await get(t, id, t.owner)).json.owners).toEqual([t.owner.userId]);
    const r = await share(t, id, t.owner, { owners: [t.owner.userId], users: [gone.email] });
    expect(r.status).toBe(422);
    expect(r.json.error.details.unknown).toEqual([gone.email]);
  });
});
