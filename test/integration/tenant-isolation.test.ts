/**
 * Tenant isolation from the other side: workspace B's owner names workspace A's
 * members, invitations and roles through B's own paths as well as A's. (Every route
 * × every caller, a foreign one included, is the authorization walk:
 * authorization-walk.test.ts, which replaced the hand-written matrix that stood here.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { signIn, createWorkspace } from '../support/given.js';
import { seedMember } from '../support/seed.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

describe('tenant isolation', () => {
  it("a token of workspace B never sees or changes workspace A's members, invitations or roles", async () => {
    const a = await signIn(h, uniqueEmail('owner-a'), 'Anna A');
    const wsA = await createWorkspace(h, a, 'A', 100);
    const memberA = await seedMember(wsA, { role: 'contributor' });
    const removedA = await seedMember(wsA);
    expect((await h.request('DELETE', `/workspaces/${wsA}/members/${removedA.userId}`, { token: a.token })).status).toBe(200);
    const inv = await h.request('POST', `/workspaces/${wsA}/invitations`, { token: a.token, body: { emails: [uniqueEmail('a-invitee')] } });
    const invId = inv.json.results[0].invitation.id as string;
    const roleA = (await h.request('POST', `/workspaces/${wsA}/roles`, { token: a.token, body: { name: 'A only', permissions: [] } })).json.id as string;

    const b = await signIn(h, uniqueEmail('owner-b'), 'Bob B');
    const wsB = await createWorkspace(h, b, 'B', 100);

    const snapshot = async () => ({
      members: (await h.request('GET', `/workspaces/${wsA}/members?limit=100`, { token: a.token })).json.items,
      removed: (await h.request('GET', `/workspaces/${wsA}/members?status=removed`, { token: a.token })).json.items,
      invitations: (await h.request('GET', `/workspaces/${wsA}/invitations`, { token: a.token })).json.items,
      roles: (await h.request('GET', `/workspaces/${wsA}/roles`, { token: a.token })).json.items,
    });
    const before = await snapshot();

    const m = memberA.userId, rm = removedA.userId;
    const attempts: [string, string, unknown?][] = [];
    // A's paths with B's token, and B's paths naming A's things.
    for (const w of [wsA, wsB]) {
      attempts.push(
        ['GET', `/workspaces/${w}/members/${m}`],
        ['GET', `/workspaces/${w}/members/${m}/permissions`],
        ['PATCH', `/workspaces/${w}/members/${m}`, { role: 'reader' }],
        ['POST', `/workspaces/${w}/members/${m}/suspend`],
        ['POST', `/workspaces/${w}/members/${m}/unsuspend`],
        ['POST', `/workspaces/${w}/members/${m}/reactivate`],
        ['DELETE', `/workspaces/${w}/members/${m}`],
        ['POST', `/workspaces/${w}/members/${rm}/restore`],
        ['DELETE', `/workspaces/${w}/members/${rm}?purge=true`],
        ['POST', `/workspaces/${w}/invitations/${invId}/resend`],
        ['DELETE', `/workspaces/${w}/invitations/${invId}`],
        ['PATCH', `/workspaces/${w}/roles/${roleA}`, { name: 'Hijacked' }],
        ['DELETE', `/workspaces/${w}/roles/${roleA}`],
      );
    }
    attempts.push(
      ['GET', `/workspaces/${wsA}/members`],
      ['GET', `/workspaces/${wsA}/members/export`],
      ['GET', `/workspaces/${wsA}/invitations`],
      ['POST', `/workspaces/${wsA}/invitations`, { emails: [uniqueEmail('x')] }],
      ['GET', `/workspaces/${wsA}/roles`],
      ['POST', `/workspaces/${wsA}/roles`, { name: 'Intruder', permissions: [] }],
    );
    for (const [method, path, body] of attempts) {
      const r = await h.request(method, path, { token: b.token, body });
      expect(r.status, `${method} ${path}`).toBe(404);
    }

    const listB = await h.request('GET', `/workspaces/${wsB}/members?limit=100`, { token: b.token });
    expect(listB.json.items.map((x: { userId: string }) => x.userId)).toEqual([b.userId]);
    const exportB = await h.request('GET', `/workspaces/${wsB}/members/export`, { token: b.token });
    expect(exportB.text).not.toContain(m);
    expect(exportB.text).not.toContain(a.userId);

    expect(await snapshot()).toEqual(before);
  });
});
