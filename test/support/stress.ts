/**
 * The stress workload (issue 9): several workspaces at once, each driven through the
 * public API by its owner, an admin, an app user and invitees, with the races a busy
 * workspace sees fired concurrently — the same invitation link accepted twice, a link
 * resent while it is being accepted, one member's role changed by two people, suspend
 * against unsuspend, remove against restore, two ownership transfers at once, a refresh
 * token presented twice, the seat count lowered while reconciliation and reactivations
 * run, client-credentials grants in parallel.
 *
 * Free of the test runner: `npm run stress` (scripts/stress.ts) and the in-suite
 * version (test/integration/stress.test.ts) both drive it, then check
 * test/support/invariants.ts. It records every answer; the single-use observations
 * (how many times each link or refresh token was accepted) go to the invariant report.
 */
import type { RequestOptions, Send, TestResponse } from './http.js';

export interface StressTarget {
  send: Send;
  /** Run the outbox (stream → notifier) so sent emails reach the SES emulator. */
  drain(): Promise<void>;
  sesUrl: string;
}

export interface StressOptions {
  workspaces: number;
  /** People invited to each workspace at the start (besides its owner and admin). */
  invitees: number;
  /** Seats of each workspace: fewer than owner + admin + invitees, so acceptances compete for them. */
  seats: number;
  /**
   * Requests in flight at once. The races stay (both sides of each start together when
   * slots are free); the cap keeps a loaded 2-core machine from starving DynamoDB Local
   * of the CPU it needs to accept connections (the SDK gives up after 1 s, a 500).
   */
  maxInFlight: number;
}

export interface StressReport {
  requests: number;
  byStatus: Record<string, number>;
  /** Every 5xx answer: operation and body. */
  serverErrors: { op: string; status: number; body: string }[];
  /** Answers no race explains (400, 401, 415): a workload mistake, or a bug. */
  unexpected: { op: string; status: number; body: string }[];
  /** Successful uses of each single-use credential (link or refresh token): all must be ≤ 1. */
  singleUse: { kind: 'invitation' | 'sign-in' | 'refresh'; successes: number }[];
  /** Races whose winner count the contract fixes. */
  exactlyOne: { race: string; winners: number }[];
  workspaceIds: string[];
  durationMs: number;
  /** Milliseconds spent in each phase (setup, the two concurrent phases, the final drain). */
  phasesMs: Record<string, number>;
}

/** Statuses a race may legitimately end in besides success. */
const RACE_OUTCOMES = new Set([403, 404, 409, 410, 422, 429]);

interface SentEmail { destination: { to: string[] }; body: { text: string } }

export async function runStress(target: StressTarget, opts: StressOptions): Promise<StressReport> {
  const started = performance.now();
  const report: StressReport = {
    requests: 0, byStatus: {}, serverErrors: [], unexpected: [], singleUse: [], exactlyOne: [], workspaceIds: [], durationMs: 0, phasesMs: {},
  };
  let phaseStart = started;
  const phaseDone = (name: string) => {
    const now = performance.now();
    report.phasesMs[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  const tag = Math.random().toString(36).slice(2, 8);
  const email = (who: string) => `${who}.${tag}@stress.example.com`;

  let inFlight = 0;
  const waiting: (() => void)[] = [];
  /** One request; `raceOutcomes` adds statuses this request's race may end in (RFC 6749's 400 for a reused refresh token). */
  const call = async (op: string, method: string, path: string, o: RequestOptions = {}, raceOutcomes: number[] = []): Promise<TestResponse> => {
    while (inFlight >= opts.maxInFlight) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight += 1;
    let r: TestResponse;
    try {
      r = await target.send(method, path, o);
    } finally {
      inFlight -= 1;
      waiting.shift()?.();
    }
    report.requests += 1;
    report.byStatus[r.status] = (report.byStatus[r.status] ?? 0) + 1;
    if (r.status >= 500) report.serverErrors.push({ op, status: r.status, body: r.text.slice(0, 300) });
    else if (r.status >= 400 && !RACE_OUTCOMES.has(r.status) && !raceOutcomes.includes(r.status)) report.unexpected.push({ op, status: r.status, body: r.text.slice(0, 300) });
    return r;
  };
  const must = (r: TestResponse, op: string, status = 200): TestResponse => {
    if (r.status !== status) throw new Error(`stress setup: ${op} answered ${r.status}: ${r.text.slice(0, 300)}`);
    return r;
  };
  const wins = (rs: TestResponse[]) => rs.filter((r) => r.status < 300).length;

  const linksTo = async (addresses: string[], kind: 'invitations' | 'auth/email-link'): Promise<Map<string, string>> => {
    await target.drain();
    const store = (await (await fetch(`${target.sesUrl}/store`)).json()) as { emails: SentEmail[] };
    const links = new Map<string, string>();
    const pattern = new RegExp(`/${kind}/([A-Za-z0-9_-]+)`);
    for (const mail of store.emails) {
      const m = pattern.exec(mail.body.text);
      for (const to of mail.destination.to) if (m && addresses.includes(to.toLowerCase())) links.set(to.toLowerCase(), m[1]!);
    }
    const missing = addresses.filter((a) => !links.has(a));
    if (missing.length > 0) throw new Error(`stress setup: no ${kind} link for ${missing.join(', ')}`);
    return links;
  };

  // ---- owners sign in; each sign-in link is presented twice at once (single use) ----
  const owners = Array.from({ length: opts.workspaces }, (_, w) => email(`owner${w}`));
  for (const o of owners) must(await call('requestEmailLink', 'POST', '/auth/email-link', { body: { email: o, fullName: 'Stress Owner' } }), 'requestEmailLink', 202);
  const signInLinks = await linksTo(owners, 'auth/email-link');
  const ownerTokens = await Promise.all(owners.map(async (o) => {
    const tries = await Promise.all([0, 1].map(() => call('consumeEmailLink', 'POST', `/auth/email-link/${signInLinks.get(o)}`)));
    report.singleUse.push({ kind: 'sign-in', successes: wins(tries) });
    const ok = tries.find((t) => t.status === 200);
    if (!ok) throw new Error(`stress setup: neither use of ${o}'s sign-in link worked: ${tries.map((t) => t.status)}`);
    return ok.json.access_token as string;
  }));

  // ---- each workspace: created, a custom role, the admin and the invitees invited ----
  const plans = await Promise.all(ownerTokens.map(async (ownerToken, w) => {
    const ws = must(await call('createWorkspace', 'POST', '/workspaces', { token: ownerToken, body: { name: `Stress ${w}`, seats: opts.seats } }), 'createWorkspace', 201).json.id as string;
    const roleId = must(await call('createRole', 'POST', `/workspaces/${ws}/roles`, { token: ownerToken, body: { name: 'Stress reviewers', permissions: ['members.read'] } }), 'createRole', 201).json.id as string;
    const admin = email(`admin${w}`);
    const invitees = Array.from({ length: opts.invitees }, (_, k) => email(`w${w}p${k}`));
    const third = Math.ceil(invitees.length / 3);
    const batches: [string[], string][] = [[[admin], 'admin'], [invitees.slice(0, third), roleId], [invitees.slice(third, 2 * third), 'reader'], [invitees.slice(2 * third), 'contributor']];
    for (const [emails, role] of batches) {
      if (emails.length > 0) must(await call('inviteMembers', 'POST', `/workspaces/${ws}/invitations`, { token: ownerToken, body: { emails, role } }), 'inviteMembers');
    }
    report.workspaceIds.push(ws);
    return { ws, ownerToken, roleId, admin, invitees };
  }));
  const invitationLinks = await linksTo(plans.flatMap((p) => [p.admin, ...p.invitees]), 'invitations');
  phaseDone('setup');

  // ---- phase A: acceptances race each other, a resend, new invitations and the seat limit ----
  const phaseA = await Promise.all(plans.map(async (p) => {
    const adminAcceptance = must(await call('acceptInvitation', 'POST', `/invitations/${invitationLinks.get(p.admin)}/accept`, { body: { fullName: 'Stress Admin' } }), 'acceptInvitation');
    report.singleUse.push({ kind: 'invitation', successes: 1 });
    const adminToken = adminAcceptance.json.session.access_token as string;
    const pending = must(await call('listInvitations', 'GET', `/workspaces/${p.ws}/invitations?limit=100`, { token: adminToken }), 'listInvitations').json.items as { id: string; email: string }[];
    const resent = pending.find((i) => i.email === p.invitees[0]);
    const accepted: { userId: string; refreshToken: string }[] = [];
    await Promise.all([
      ...p.invitees.map(async (who) => {
        const tries = await Promise.all([0, 1].map(() => call('acceptInvitation', 'POST', `/invitations/${invitationLinks.get(who)}/accept`, { body: { fullName: `Stress ${who.split('@')[0]}` } })));
        report.singleUse.push({ kind: 'invitation', successes: wins(tries) });
        const ok = tries.find((t) => t.status === 200);
        if (ok) accepted.push({ userId: ok.json.member.userId, refreshToken: ok.json.session.refresh_token });
      }),
      resent ? call('resendInvitation', 'POST', `/workspaces/${p.ws}/invitations/${resent.id}/resend`, { token: p.ownerToken }) : Promise.resolve(),
      call('inviteMembers', 'POST', `/workspaces/${p.ws}/invitations`, { token: adminToken, body: { emails: [email(`late${p.ws.slice(-4)}a`), email(`late${p.ws.slice(-4)}b`)], role: p.roleId } }),
      call('listMembers', 'GET', `/workspaces/${p.ws}/members?limit=20`, { token: adminToken }),
      call('getWorkspace', 'GET', `/workspaces/${p.ws}`, { token: p.ownerToken }),
    ]);
    return { ...p, adminToken, adminUserId: adminAcceptance.json.member.userId as string, accepted };
  }));
  phaseDone('acceptances');

  // ---- phase B: every member is fought over; ownership moves twice at once; apps get tokens ----
  await Promise.all(phaseA.map(async (p) => {
    const app = must(await call('createAppUser', 'POST', `/workspaces/${p.ws}/app-users`, { token: p.adminToken, body: { name: 'Stress sync', accessType: 'MembersManage' } }), 'createAppUser', 201).json;
    const grant = () => call('issueToken', 'POST', '/oauth/token', { body: { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret } });
    const grants = await Promise.all([grant(), grant(), grant()]);
    const appToken = grants.find((g) => g.status === 200)?.json.access_token as string | undefined;
    const [heir, ...others] = p.accepted;
    // The heir's refresh token presented twice at once: one rotation, never two (the heir's own requests are over).
    const refreshRace = async (refreshToken: string) => {
      const tries = await Promise.all([0, 1].map(() => call('issueToken', 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: refreshToken } }, [400])));
      report.singleUse.push({ kind: 'refresh', successes: wins(tries) });
    };

    const memberOps = others.map(async (m, k) => {
      const at = `/workspaces/${p.ws}/members/${m.userId}`;
      switch (k % 4) {
        case 0: return Promise.all([
          call('updateMemberRole', 'PATCH', at, { token: p.adminToken, body: { role: 'reader' } }),
          call('updateMemberRole', 'PATCH', at, { token: p.ownerToken, body: { role: p.roleId } }),
          appToken ? call('updateMemberRole', 'PATCH', at, { token: appToken, body: { role: 'contributor' } }) : undefined,
        ]);
        case 1: return Promise.all([
          call('suspendMember', 'POST', `${at}/suspend`, { token: p.adminToken }),
          call('unsuspendMember', 'POST', `${at}/unsuspend`, { token: p.ownerToken }),
          call('suspendMember', 'POST', `${at}/suspend`, { token: p.ownerToken }),
        ]);
        case 2: return Promise.all([
          call('removeMember', 'DELETE', at, { token: p.adminToken }),
          call('restoreMember', 'POST', `${at}/restore`, { token: p.ownerToken }),
          call('updateMemberRole', 'PATCH', at, { token: p.adminToken, body: { role: p.roleId } }),
        ]);
        default: return Promise.all([
          refreshRace(m.refreshToken),
          call('removeMember', 'DELETE', at, { token: p.ownerToken }),
          call('removeMember', 'DELETE', at, { token: p.adminToken }),
        ]);
      }
    });
    const transfers = heir
      ? Promise.all([
        call('transferOwnership', 'POST', `/workspaces/${p.ws}/ownership-transfer`, { token: p.ownerToken, body: { userId: heir.userId } }),
        call('transferOwnership', 'POST', `/workspaces/${p.ws}/ownership-transfer`, { token: p.ownerToken, body: { userId: p.adminUserId } }),
      ]).then((rs) => { report.exactlyOne.push({ race: 'ownership transfer', winners: wins(rs) }); })
      : Promise.resolve();
    await Promise.all([...memberOps, transfers, heir ? refreshRace(heir.refreshToken) : undefined]);

    // Seats lowered while reconciliation and reactivations run; then reconciliation settles it.
    const members = must(await call('listMembers', 'GET', `/workspaces/${p.ws}/members?limit=100`, { token: p.adminToken }), 'listMembers').json.items as { userId: string; status: string }[];
    const used = members.filter((m) => m.status === 'active' || m.status === 'suspended').length;
    await Promise.all([
      call('updateSubscription', 'PUT', `/workspaces/${p.ws}/subscription`, { token: p.adminToken, body: { seats: Math.max(2, used - 2) } }),
      call('reconcileLicenses', 'POST', `/workspaces/${p.ws}/license-reconciliation`, { token: p.adminToken }),
      ...members.filter((m) => m.status === 'deactivated').map((m) => call('reactivateMember', 'POST', `/workspaces/${p.ws}/members/${m.userId}/reactivate`, { token: p.adminToken })),
      call('listAuditEvents', 'GET', `/workspaces/${p.ws}/audit-events?limit=20`, { token: p.adminToken }),
    ]);
    await call('reconcileLicenses', 'POST', `/workspaces/${p.ws}/license-reconciliation`, { token: p.adminToken });
    const after = must(await call('listMembers', 'GET', `/workspaces/${p.ws}/members?status=deactivated&limit=100`, { token: p.adminToken }), 'listMembers').json.items as { userId: string }[];
    await Promise.all(after.map((m) => call('reactivateMember', 'POST', `/workspaces/${p.ws}/members/${m.userId}/reactivate`, { token: p.adminToken })));
  }));

  phaseDone('members, ownership, tokens, seats');
  await target.drain();
  phaseDone('drain');
  report.durationMs = Math.round(performance.now() - started);
  return report;
}
