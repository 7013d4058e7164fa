/**
 * POST …/license-reconciliation runs in a 29 s Lambda. A seat cut that would outlast it
 * stops while RESERVE_MS remain: the caller gets a 200 with what was done, the admins
 * get their summary of the deactivations committed, the workspace stays listed over
 * its limit, and the scheduled job finishes the work. Lambda's context is the one
 * stand-in: its clock says time is up after a few deactivations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { emailsTo } from '../support/mail.js';
import { signIn, createWorkspace } from '../support/given.js';
import { seedMember, type SeededMember } from '../support/seed.js';
import { clock } from '../../shared/clock.js';
import { handlerFile } from '../../shared/http/routes.js';
import { getSeatState } from '../../shared/data/workspaces.js';
import { lambdaContext, loadHandler } from '../../local/invoke.js';
import { matchRoute, toEvent } from '../../local/server.js';
import { RESERVE_MS } from '../../functions/reconcile-licenses.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

describe('license reconciliation near the Lambda timeout', () => {
  it('stops with the reserve left: 200 with the deactivations committed, the admins emailed about them, the job finishes', async () => {
    const owner = await signIn(h, uniqueEmail('owner'), 'Olive Owner');
    const ws = await createWorkspace(h, owner, 'Deadline Co', 20);
    const base = Date.parse(clock.nowIso());
    const members: SeededMember[] = [];
    for (let i = 1; i <= 15; i++) {
      members.push(await seedMember(ws, { role: i === 1 ? 'admin' : 'contributor', joinedAt: new Date(base + i * 60_000).toISOString(), fullName: `Deadline member ${i}` }));
    }
    expect((await h.request('PUT', `/workspaces/${ws}/subscription`, { token: owner.token, body: { seats: 4 } })).json.seats).toEqual({ limit: 4, used: 16 });

    // The request as API Gateway sends it, to the handler module Lambda runs.
    const url = new URL(`/workspaces/${ws}/license-reconciliation`, h.url);
    const found = matchRoute('POST', url.pathname)!;
    const event = toEvent({ method: 'POST', url, headers: { authorization: `Bearer ${owner.token}`, host: url.host }, body: Buffer.alloc(0), sourceIp: '127.0.0.1' }, found.match, found.values);
    // Plenty of time for the first few asks, then less than the reserve.
    let asked = 0;
    const context = { ...lambdaContext('reconcile-licenses'), getRemainingTimeInMillis: () => (++asked <= 4 ? 20_000 : RESERVE_MS - 1) };
    const handler = await loadHandler(handlerFile(found.match.route.operation));
    const res = await handler(event, context) as APIGatewayProxyStructuredResultV2;

    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body!) as { deactivated: string[]; seats: { limit: number; used: number } };
    // Some, not all, of the excess of 12; the newest joiners first.
    expect(body.deactivated.length).toBeGreaterThanOrEqual(1);
    expect(body.deactivated.length).toBeLessThan(12);
    const newestFirst = [...members].reverse().map((m) => m.userId);
    expect(body.deactivated).toEqual(newestFirst.slice(0, body.deactivated.length));
    expect(body.seats).toEqual({ limit: 4, used: 16 - body.deactivated.length });
    expect((await getSeatState(ws))!.listedOverLimit).toBe(true);

    // The admins heard about exactly what was committed.
    await h.drain();
    const summaries = (await emailsTo(members[0]!.email)).filter((m) => m.subject.includes('were deactivated'));
    expect(summaries.map((m) => m.subject)).toEqual([`${body.deactivated.length} member(s) of Deadline Co were deactivated`]);

    // The scheduled job (no deadline pressure) does the rest.
    expect((await h.request('POST', '/_local/jobs/license-reconciliation')).status).toBe(200);
    const after = await getSeatState(ws);
    expect(after!.workspace).toMatchObject({ seatLimit: 4, seatsUsed: 4 });
    expect(after!.listedOverLimit).toBe(false);
  }, 120_000);
});
