/**
 * The stress workload in `npm test`, smaller than `npm run stress` (scripts/stress.ts):
 * two workspaces driven concurrently through local mode's front door, with every race
 * of test/support/stress.ts, then every invariant of test/support/invariants.ts over the
 * table as it settled. No answer may be a 5xx, and every answer must be a success or an
 * outcome a race explains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { when } from '../support/when.js';
import { runStress } from '../support/stress.js';
import { checkInvariants, formatInvariants } from '../support/invariants.js';
import { PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../shared/data/client.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

describe('stress: concurrent mixed workload across workspaces', () => {
  it('answers no 5xx and leaves every cross-item invariant true', async () => {
    const report = await runStress({ send: when(h), drain: () => h.drain(), sesUrl: inject('sesEndpoint') }, { workspaces: 2, invitees: 6, seats: 6, maxInFlight: 6 });

    // The workload did what it claims: every kind of race ran, on every workspace.
    expect(report.workspaceIds).toHaveLength(2);
    expect(report.requests).toBeGreaterThanOrEqual(90);
    expect(report.singleUse.filter((u) => u.kind === 'invitation').length).toBeGreaterThanOrEqual(2 * 7);
    expect(report.singleUse.filter((u) => u.kind === 'sign-in')).toHaveLength(2);
    expect(report.singleUse.filter((u) => u.kind === 'refresh').length).toBeGreaterThanOrEqual(2);
    expect(report.exactlyOne).toHaveLength(2);
    // Acceptances competed for seats: some were refused for want of one.
    expect(report.byStatus['409']).toBeGreaterThan(0);

    expect(report.serverErrors).toEqual([]);
    expect(report.unexpected).toEqual([]);

    const results = await checkInvariants({ workspaceIds: report.workspaceIds, observed: report, reconciled: true });
    expect(results.length).toBeGreaterThanOrEqual(8);
    for (const r of results) expect(r.checked, r.name).toBeGreaterThan(0);
    expect(results.filter((r) => !r.ok), formatInvariants(results)).toEqual([]);

    // The checks see a broken table: one corruption per invariant, each caught by name.
    const [ws] = report.workspaceIds;
    const items = (await db.send(new ScanCommand({ TableName: tableName(), FilterExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `WS#${ws}` } }))).Items ?? [];
    const contributor = items.find((i) => i.type === 'member' && i.role !== 'owner' && i.status === 'active')!;
    const role = items.find((i) => i.type === 'role')!;
    const bump = (key: Record<string, unknown>, update: string, values: Record<string, unknown>) =>
      db.send(new UpdateCommand({ TableName: tableName(), Key: key, UpdateExpression: update, ExpressionAttributeValues: values }));
    await bump({ PK: `WS#${ws}`, SK: 'META' }, 'SET seatsUsed = seatLimit + :five', { ':five': 5 });
    await db.send(new UpdateCommand({ TableName: tableName(), Key: { PK: contributor.PK, SK: contributor.SK }, UpdateExpression: 'SET #r = :owner', ExpressionAttributeNames: { '#r': 'role' }, ExpressionAttributeValues: { ':owner': 'owner' } }));
    await bump({ PK: role.PK, SK: role.SK }, 'SET assignments = assignments + :one', { ':one': 1 });
    await db.send(new PutCommand({ TableName: tableName(), Item: { PK: 'INVTOKEN#forged', SK: 'INVTOKEN', type: 'invitationToken', workspaceId: ws, invitationId: 'inv_gone' } }));
    const broken = await checkInvariants({
      workspaceIds: report.workspaceIds,
      observed: { singleUse: [...report.singleUse, { kind: 'invitation', successes: 2 }], exactlyOne: [...report.exactlyOne, { race: 'ownership transfer', winners: 2 }] },
    });
    expect(broken.filter((r) => !r.ok).map((r) => r.name).sort()).toEqual([
      'exactly one owner, and it is ownerId',
      'exactly one winner of each exclusive race',
      "membership index attributes follow the member's state",
      'no index item without its base item',
      'no single-use link or refresh token accepted twice',
      'over-limit workspaces are listed for reconciliation',
      'role assignment counts = holders',
      'seats used = seat holders',
    ].sort());
  }, 180_000);
});
