import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { emailsTo, linksIn } from '../support/mail.js';
import { signIn, createWorkspace, type Person } from '../support/given.js';
import { seedMember, type SeededMember } from '../support/seed.js';
import { clock } from '../../shared/clock.js';
import { transact } from '../../shared/data/core.js';
import { getMember, listMembers, replaceMemberPart, type Member } from '../../shared/data/members.js';
import { getSeatState, releaseSeatPart } from '../../shared/data/workspaces.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

/** Tests that seed dozens of members (or load most handler modules first) on a shared 2-core machine. */
const HEAVY = 90_000;
const minutesAfter = (iso: string, n: number) => new Date(Date.parse(iso) + n * 60_000).toISOString();

interface Fixture {
  owner: Person;
  ws: string;
  /** Seat holders other than the creator, oldest joiner first; members[0] is an admin. */
  members: SeededMember[];
}

/** A workspace with 10 licences, all used: the creator (earliest joiner) and nine later joiners. */
async function fullWorkspace(name: string, holders = 9, seats = 10): Promise<Fixture> {
  const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
  const ws = await createWorkspace(h, owner, name, seats);
  const base = clock.nowIso();
  const members: SeededMember[] = [];
  for (let i = 1; i <= holders; i++) {
    members.push(await seedMember(ws, { role: i === 1 ? 'admin' : 'contributor', joinedAt: minutesAfter(base, i), fullName: `${name} member ${i}` }));
  }
  return { owner, ws, members };
}

async function setSeats(f: Fixture, seats: number, token = f.owner.token) {
  const r = await h.request('PUT', `/workspaces/${f.ws}/subscription`, { token, body: { seats } });
  expect(r.status).toBe(200);
  return r.json.seats as { limit: number; used: number };
}

const reconcile = (ws: string, token: string) => h.request('POST', `/workspaces/${ws}/license-reconciliation`, { token });
const runJob = () => h.request('POST', '/_local/jobs/license-reconciliation');
const member = async (ws: string, userId: string) => (await getMember(ws, userId, clock.nowEpochSeconds()))!;

async function statuses(ws: string): Promise<Map<string, Member['status']>> {
  const page = await listMembers(ws, { limit: 100, nowEpoch: clock.nowEpochSeconds() });
  return new Map(page.items.map((m) => [m.userId, m.status]));
}

async function deactivationEvents(f: Fixture) {
  const r = await h.request('GET', `/workspaces/${f.ws}/audit-events?limit=100`, { token: f.owner.token });
  expect(r.status).toBe(200);
  return (r.json.items as { action: string; actor: unknown; target: { id: string } }[]).filter((e) => e.action === 'member.deactivated');
}

describe('license reconciliation of one workspace (route)', () => {
  it('lowering the limit from 10 to 7 deactivates exactly the 3 latest joiners, atomically with the seat count', async () => {
    const f = await fullWorkspace('Lowered');
    const [m] = [f.members];
    expect(await setSeats(f, 7)).toEqual({ limit: 7, used: 10 });

    const r = await reconcile(f.ws, f.owner.token);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ deactivated: [m[8]!.userId, m[7]!.userId, m[6]!.userId], seats: { limit: 7, used: 7 } });

    const s = await statuses(f.ws);
    expect([...s.values()].filter((x) => x === 'deactivated')).toHaveLength(3);
    for (const d of [m[6]!, m[7]!, m[8]!]) {
      const after = await member(f.ws, d.userId);
      expect(after.status).toBe('deactivated');
      expect(after.deactivatedAt).toBeDefined();
    }
    for (const kept of [f.owner, ...m.slice(0, 6)]) expect(s.get(kept.userId)).toBe('active');
    const g = await h.request('GET', `/workspaces/${f.ws}`, { token: f.owner.token });
    expect(g.json.seats).toEqual({ limit: 7, used: 7 });
    expect((await getSeatState(f.ws))!.listedOverLimit).toBe(false);

    const events = await deactivationEvents(f);
    expect(events.map((e) => e.target.id).sort()).toEqual([m[6]!.userId, m[7]!.userId, m[8]!.userId].sort());
    for (const e of events) expect(e.actor).toEqual({ type: 'user', id: f.owner.userId });

    await h.drain();
    for (const d of [m[6]!, m[7]!, m[8]!]) {
      const mails = await emailsTo(d.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('Your access to Lowered was deactivated');
      expect(mails[0]!.body.html).toContain('deactivated');
    }
    expect(await emailsTo(m[5]!.email)).toHaveLength(0);
    for (const admin of [f.owner.email, m[0]!.email]) {
      const mails = (await emailsTo(admin)).filter((x) => x.subject.includes('were deactivated'));
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('3 member(s) of Lowered were deactivated');
      for (const d of [m[6]!, m[7]!, m[8]!]) expect(mails[0]!.body.text).toContain(d.fullName);
      expect(linksIn(mails[0]!)).toEqual([`http://127.0.0.1:3000/console/workspaces/${f.ws}/members?status=deactivated`]);
    }
  }, HEAVY);

  it('a second run changes nothing: no deactivation, no audit event, no email, no write', async () => {
    const f = await fullWorkspace('Twice');
    await setSeats(f, 7);
    expect((await reconcile(f.ws, f.owner.token)).json.deactivated).toHaveLength(3);
    await h.drain();
    const before = (await getSeatState(f.ws))!.workspace;
    const mailsBefore = (await emailsTo(f.owner.email)).length;

    const again = await reconcile(f.ws, f.owner.token);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ deactivated: [], seats: { limit: 7, used: 7 } });
    expect((await getSeatState(f.ws))!.workspace.version).toBe(before.version);
    expect(await deactivationEvents(f)).toHaveLength(3);
    await h.drain();
    expect(await emailsTo(f.owner.email)).toHaveLength(mailsBefore);
  });

  it('never deactivates the owner, even when the owner is the latest joiner after an ownership transfer', async () => {
    const f = await fullWorkspace('Transferred');
    const latest = f.members[8]!;
    const t = await h.request('POST', `/workspaces/${f.ws}/ownership-transfer`, { token: f.owner.token, body: { userId: latest.userId } });
    expect(t.status).toBe(200);
    expect(t.json.ownerId).toBe(latest.userId);
    // The creator is now an admin: still allowed to manage the workspace.
    await setSeats(f, 7);

    const r = await reconcile(f.ws, f.owner.token);
    expect(r.json).toEqual({ deactivated: [f.members[7]!.userId, f.members[6]!.userId, f.members[5]!.userId], seats: { limit: 7, used: 7 } });
    const owner = await member(f.ws, latest.userId);
    expect(owner).toMatchObject({ role: 'owner', status: 'active' });
    // The new owner is an admin to notify; the creator (now admin) too.
    await h.drain();
    for (const admin of [latest.email, f.owner.email]) {
      expect((await emailsTo(admin)).filter((x) => x.subject.includes('were deactivated'))).toHaveLength(1);
    }
  });

  it('deactivates suspended seat holders too, skips members without a seat, and breaks joinedAt ties by user id', async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Ties', 5);
    const base = clock.nowIso();
    const older = await seedMember(ws, { joinedAt: minutesAfter(base, 1) });
    const suspended = await seedMember(ws, { status: 'suspended', joinedAt: minutesAfter(base, 2) });
    const tieA = await seedMember(ws, { joinedAt: minutesAfter(base, 3) });
    const tieB = await seedMember(ws, { joinedAt: minutesAfter(base, 3) });
    const alreadyOff = await seedMember(ws, { status: 'deactivated', joinedAt: minutesAfter(base, 9) });
    const offBefore = await member(ws, alreadyOff.userId);
    const f = { owner, ws, members: [] };
    expect(await setSeats(f, 2)).toEqual({ limit: 2, used: 5 });

    const r = await reconcile(ws, owner.token);
    const [higher, lower] = tieA.userId > tieB.userId ? [tieA, tieB] : [tieB, tieA];
    expect(r.json).toEqual({ deactivated: [higher.userId, lower.userId, suspended.userId], seats: { limit: 2, used: 2 } });
    expect(await member(ws, suspended.userId)).toMatchObject({ status: 'deactivated' });
    expect((await member(ws, suspended.userId)).suspendedAt).toBeUndefined();
    expect(await member(ws, older.userId)).toMatchObject({ status: 'active' });
    expect((await member(ws, alreadyOff.userId)).version).toBe(offBefore.version);
  });

  it('two overlapping runs (route, route and job at once) deactivate exactly 3 in total', async () => {
    for (const round of [1, 2, 3]) {
      const f = await fullWorkspace(`Race ${round}`);
      await setSeats(f, 7);
      const [a, b, job] = await Promise.all([reconcile(f.ws, f.owner.token), reconcile(f.ws, f.owner.token), runJob()]);
      expect([a.status, b.status, job.status]).toEqual([200, 200, 200]);
      const byRoutes = [...a.json.deactivated, ...b.json.deactivated] as string[];
      expect(new Set(byRoutes).size).toBe(byRoutes.length);
      expect(byRoutes.length + job.json.result.deactivated).toBe(3);
      expect(a.json.seats.used).toBeGreaterThanOrEqual(7);

      const s = await statuses(f.ws);
      const off = [...s].filter(([, st]) => st === 'deactivated').map(([id]) => id).sort();
      expect(off).toEqual([f.members[6]!.userId, f.members[7]!.userId, f.members[8]!.userId].sort());
      expect((await getSeatState(f.ws))!.workspace).toMatchObject({ seatLimit: 7, seatsUsed: 7 });
      expect(await deactivationEvents(f)).toHaveLength(3);
      await h.drain();
      for (const id of off) {
        const email = f.members.find((x) => x.userId === id)!.email;
        expect(await emailsTo(email)).toHaveLength(1);
      }
    }
  }, HEAVY);

  it('keeps the admins\' summary small when many are deactivated: 50 names and a count of the rest', async () => {
    const f = await fullWorkspace('Many', 55, 56);
    await setSeats(f, 2);
    const r = await reconcile(f.ws, f.owner.token);
    expect(r.json.deactivated).toHaveLength(54);
    expect(r.json.seats).toEqual({ limit: 2, used: 2 });
    await h.drain();
    const [summary, ...others] = (await emailsTo(f.members[0]!.email)).filter((x) => x.subject.includes('were deactivated'));
    expect(others).toHaveLength(0);
    expect(summary!.subject).toBe('54 member(s) of Many were deactivated');
    expect(summary!.body.text).toContain('- Many member 55\n');
    expect(summary!.body.text).toContain('- Many member 6\n');
    expect(summary!.body.text).not.toContain('- Many member 5\n');
    expect(summary!.body.text).toContain('- …and 4 more\n');
  }, HEAVY);

  it('raising the limit again never reactivates anyone', async () => {
    const f = await fullWorkspace('Raised');
    await setSeats(f, 7);
    await reconcile(f.ws, f.owner.token);
    expect(await setSeats(f, 10)).toEqual({ limit: 10, used: 7 });
    const again = await reconcile(f.ws, f.owner.token);
    expect(again.json).toEqual({ deactivated: [], seats: { limit: 10, used: 7 } });
    for (const d of f.members.slice(6)) expect((await member(f.ws, d.userId)).status).toBe('deactivated');
  });

  it("a deactivated member's token is refused at once (403) on the workspace's routes", async () => {
    const f = await fullWorkspace('Locked', 8);
    const person = await signIn(h, uniqueEmail('late'), 'Late Joiner');
    await seedMember(f.ws, { userId: person.userId, email: person.email, fullName: 'Late Joiner', joinedAt: minutesAfter(clock.nowIso(), 60) });
    expect((await h.request('GET', `/workspaces/${f.ws}`, { token: person.token })).status).toBe(200);
    await setSeats(f, 9);

    expect((await reconcile(f.ws, f.owner.token)).json.deactivated).toEqual([person.userId]);
    const r = await h.request('GET', `/workspaces/${f.ws}`, { token: person.token });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('forbidden');
  });

  it('needs workspace.manage, and another workspace cannot trigger it (no change either way)', async () => {
    const f = await fullWorkspace('Guarded', 8);
    const contributor = await signIn(h, uniqueEmail('contrib'), 'Carl Contributor');
    await seedMember(f.ws, { userId: contributor.userId, email: contributor.email, joinedAt: minutesAfter(clock.nowIso(), -60) });
    await setSeats(f, 8);
    const stranger = await signIn(h, uniqueEmail('stranger'), 'Sam Stranger');
    await createWorkspace(h, stranger, 'Elsewhere');

    const byContributor = await reconcile(f.ws, contributor.token);
    expect(byContributor.status).toBe(403);
    const byStranger = await reconcile(f.ws, stranger.token);
    expect(byStranger.status).toBe(404);
    expect(byStranger.json.error.code).toBe('not_found');
    expect((await h.request('POST', `/workspaces/${f.ws}/license-reconciliation`)).status).toBe(401);
    const state = (await getSeatState(f.ws))!;
    expect(state.workspace.seatsUsed).toBeGreaterThan(state.workspace.seatLimit);
    expect(await deactivationEvents(f)).toHaveLength(0);

    expect((await reconcile(f.ws, f.owner.token)).status).toBe(200);
  });
});

describe('the scheduled job', () => {
  it('reconciles every over-limit workspace, clears stale index entries and leaves the others untouched', async () => {
    const a = await fullWorkspace('Job A');
    const b = await fullWorkspace('Job B');
    const within = await fullWorkspace('Job C', 4);
    const stale = await fullWorkspace('Job D');
    await setSeats(a, 7);
    await setSeats(b, 8);
    await setSeats(within, 8);
    await setSeats(stale, 9);
    // A seat freed since the limit was lowered (as a removal does): listed, but within its limit.
    const leaving = await member(stale.ws, stale.members[2]!.userId);
    const now = clock.nowIso();
    await transact([replaceMemberPart({ ...leaving, status: 'removed', removedAt: now, updatedAt: now }), releaseSeatPart(stale.ws, now)]);
    expect((await getSeatState(stale.ws))!).toMatchObject({ listedOverLimit: true, workspace: { seatsUsed: 9, seatLimit: 9 } });

    const untouched = [within, stale];
    const before = await Promise.all(untouched.flatMap((f) => f.members.map((m) => member(f.ws, m.userId))));
    const withinBefore = (await getSeatState(within.ws))!;
    expect(withinBefore.listedOverLimit).toBe(false);

    const r = await runJob();
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ job: 'license-reconciliation', result: { workspaces: 3, deactivated: 5, failed: 0 } });

    expect((await getSeatState(a.ws))!.workspace).toMatchObject({ seatLimit: 7, seatsUsed: 7 });
    expect((await getSeatState(b.ws))!.workspace).toMatchObject({ seatLimit: 8, seatsUsed: 8 });
    for (const f of [a, b, stale]) expect((await getSeatState(f.ws))!.listedOverLimit).toBe(false);
    expect((await getSeatState(within.ws))!.workspace.version).toBe(withinBefore.workspace.version);
    const after = await Promise.all(untouched.flatMap((f) => f.members.map((m) => member(f.ws, m.userId))));
    expect(after.map((m) => [m.status, m.version])).toEqual(before.map((m) => [m.status, m.version]));

    const events = await deactivationEvents(a);
    expect(events).toHaveLength(3);
    for (const e of events) expect(e.actor).toEqual({ type: 'system', id: 'license-reconciliation' });
    expect(await deactivationEvents(b)).toHaveLength(2);
    expect(await deactivationEvents(within)).toHaveLength(0);
    await h.drain();
    expect((await emailsTo(b.owner.email)).filter((x) => x.subject === '2 member(s) of Job B were deactivated')).toHaveLength(1);
    expect((await emailsTo(within.owner.email)).filter((x) => x.subject.includes('were deactivated'))).toHaveLength(0);

    const again = await runJob();
    expect(again.json.result).toEqual({ workspaces: 0, deactivated: 0, failed: 0 });
  });
});
