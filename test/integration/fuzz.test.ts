/**
 * Fuzz every route of the route table (test/support/fuzz.ts). `npm test` runs a
 * bounded subset with a fixed seed; `npm run fuzz` runs FUZZ_REQUESTS (≥ 10,000)
 * with a fresh seed each time, or FUZZ_SEED to replay one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import * as given from '../support/given.js';
import { lastLinkTo } from '../support/mail.js';
import { fuzzRoutes, type FuzzWorld } from '../support/fuzz.js';

const requests = Number(process.env.FUZZ_REQUESTS ?? 1_000);
const seed = process.env.FUZZ_SEED === 'random' || process.env.FUZZ_SEED === undefined && process.env.FUZZ_REQUESTS
  ? Math.floor(Math.random() * 2 ** 31)
  : Number(process.env.FUZZ_SEED ?? 20_261_202);

let h: Harness;
let world: FuzzWorld;

beforeAll(async () => {
  h = await startHarness();
  const t = await given.team(h, { name: 'Fuzzed', seats: 50 });
  const contributor = await given.signedInMember(h, t.ws, { role: 'contributor', fullName: 'Cora Contributor' });
  const ok = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await h.request(method, `/workspaces/${t.ws}${path}`, { token, body });
    expect(r.status, `${method} ${path}`).toBeLessThan(300);
    return r.json;
  };
  const role = await ok('POST', '/roles', t.owner.token, { name: 'Fuzz role', permissions: ['members.read'] });
  const invitee = uniqueEmail('invitee');
  const invited = await ok('POST', '/invitations', t.owner.token, { emails: [invitee] });
  await h.drain();
  const invitationToken = await lastLinkTo(invitee, 'invitations');
  const app = await ok('POST', '/app-users', t.owner.token, { name: 'Fuzz client', accessType: 'ObjectReadWrite' });
  const grant = await h.request('POST', '/oauth/token', { body: { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret } });
  expect(grant.status).toBe(200);
  const integration = await ok('POST', '/integrations', contributor.token, { name: 'Fuzz integration', config: { region: 'eu' } });
  await ok('POST', '/apps/mailbridge/install', t.owner.token, { audience: 'me', acceptPermissions: true });
  world = {
    ws: t.ws,
    ids: {
      userId: [t.owner.userId, t.admin.userId, contributor.userId],
      invitationId: [invited.results[0].invitation.id],
      clientId: [app.clientId],
      integrationId: [integration.id],
      roleId: [role.id],
      token: [invitationToken],
    },
    tokens: { owner: t.owner.token, admin: t.admin.token, contributor: contributor.token, app: grant.json.access_token },
  };
}, 120_000);
afterAll(async () => { await h.runtime.stop(); });

it(`${requests} generated requests: no 5xx, the contract's error shape, nothing changed by a rejected request (seed ${seed})`, async () => {
  const report = await fuzzRoutes(world, { requests, seed });
  console.info(`[fuzz] seed ${seed}: ${report.requests} requests, ${report.serverErrors} 5xx, by status ${JSON.stringify(report.byStatus)}`);
  expect(report.requests).toBe(requests);
  expect(report.findings).toEqual([]);
  expect(report.serverErrors).toBe(0);
}, Math.max(120_000, requests * 200));
