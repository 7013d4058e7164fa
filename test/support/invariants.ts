/**
 * Cross-item invariants of the table (API.md, issue 9), checked by reading every item
 * consistently after a workload has settled — so they hold whatever order concurrent
 * requests ran in. Each invariant is computed from the items themselves, never by
 * calling the service's own code:
 *
 *  - seats used = seat holders: each workspace's `seatsUsed` is the number of its
 *    active and suspended members, and after reconciliation it is within the limit;
 *    a workspace over its limit is listed for reconciliation (GSI3 OVER_LIMIT).
 *  - exactly one owner: one active member holds `owner`, and it is the workspace's `ownerId`.
 *  - role assignment counts = holders: each custom role's `assignments` is the number
 *    of memberships (any status until purged) and outstanding invitations holding it.
 *  - no index item without its base item: an invitation's email and token items point
 *    to it and it to them (one of each), a role name to its role, an email to its user,
 *    a membership to its user; a membership's index attributes follow its state.
 *  - single use (from the workload's own observations): no link or refresh token
 *    accepted twice.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../shared/data/client.js';
import type { StressReport } from './stress.js';

export interface InvariantResult {
  name: string;
  ok: boolean;
  /** Items or workspaces checked. */
  checked: number;
  violations: string[];
}

type Item = Record<string, unknown>;

async function scanAll(): Promise<Item[]> {
  const items: Item[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey: key }));
    items.push(...(out.Items ?? []));
    key = out.LastEvaluatedKey;
  } while (key);
  return items;
}

const holdsSeat = (status: unknown) => status === 'active' || status === 'suspended';
const ADMIN_ROLES = new Set(['owner', 'admin']);

/** Check every invariant over `workspaceIds` (all workspaces in the table when absent). */
export async function checkInvariants(opts: { workspaceIds?: string[]; observed?: Pick<StressReport, 'singleUse' | 'exactlyOne'>; reconciled?: boolean } = {}): Promise<InvariantResult[]> {
  const items = await scanAll();
  const byKey = new Map(items.map((i) => [`${i.PK}|${i.SK}`, i]));
  const get = (pk: string, sk: string) => byKey.get(`${pk}|${sk}`);
  const workspaces = items.filter((i) => i.type === 'workspace' && (!opts.workspaceIds || opts.workspaceIds.includes(i.id as string)));
  const inScope = new Set(workspaces.map((w) => `WS#${w.id}`));
  const scoped = (type: string) => items.filter((i) => i.type === type && inScope.has(i.PK as string));
  const members = scoped('member');
  const invitations = scoped('invitation');
  const results: InvariantResult[] = [];
  const check = (name: string, checked: number, violations: string[]) => results.push({ name, ok: violations.length === 0, checked, violations });

  check('seats used = seat holders', workspaces.length, workspaces.flatMap((w) => {
    const holders = members.filter((m) => m.workspaceId === w.id && holdsSeat(m.status)).length;
    return w.seatsUsed === holders ? [] : [`${w.id}: seatsUsed ${w.seatsUsed}, holders ${holders}`];
  }));
  check('over-limit workspaces are listed for reconciliation', workspaces.length, workspaces.flatMap((w) =>
    (w.seatsUsed as number) > (w.seatLimit as number) && w.GSI3PK !== 'OVER_LIMIT' ? [`${w.id}: ${w.seatsUsed}/${w.seatLimit} not listed`] : []));
  if (opts.reconciled) {
    check('within the seat limit after reconciliation', workspaces.length, workspaces.flatMap((w) =>
      (w.seatsUsed as number) > (w.seatLimit as number) ? [`${w.id}: ${w.seatsUsed} used of ${w.seatLimit}`] : []));
  }
  check('exactly one owner, and it is ownerId', workspaces.length, workspaces.flatMap((w) => {
    const owners = members.filter((m) => m.workspaceId === w.id && m.role === 'owner');
    if (owners.length !== 1) return [`${w.id}: ${owners.length} owners (${owners.map((o) => `${o.userId}:${o.status}`).join(', ')})`];
    const [o] = owners;
    return o!.status === 'active' && o!.userId === w.ownerId ? [] : [`${w.id}: owner ${o!.userId} (${o!.status}) but ownerId ${w.ownerId}`];
  }));
  const roles = scoped('role');
  check('role assignment counts = holders', roles.length, roles.flatMap((r) => {
    const holders = members.filter((m) => m.workspaceId === r.workspaceId && m.role === r.id).length
      + invitations.filter((i) => i.workspaceId === r.workspaceId && i.role === r.id).length;
    return (r.assignments ?? 0) === holders ? [] : [`${r.workspaceId}/${r.id}: assignments ${r.assignments}, holders ${holders}`];
  }));

  const linkViolations: string[] = [];
  for (const inv of invitations) {
    const emailItem = get(inv.PK as string, `INVEMAIL#${inv.email}`);
    if (emailItem?.invitationId !== inv.id) linkViolations.push(`${inv.id}: email item points to ${emailItem?.invitationId}`);
    const token = get(`INVTOKEN#${inv.tokenHash}`, 'INVTOKEN');
    if (token?.invitationId !== inv.id) linkViolations.push(`${inv.id}: no live token item`);
  }
  const invitationTokens = items.filter((i) => i.type === 'invitationToken' && inScope.has(`WS#${i.workspaceId}`));
  for (const t of invitationTokens) {
    const inv = get(`WS#${t.workspaceId}`, `INV#${t.invitationId}`);
    if (!inv) linkViolations.push(`${t.PK}: token of a used or revoked invitation ${t.invitationId}`);
    else if (`INVTOKEN#${inv.tokenHash}` !== t.PK) linkViolations.push(`${t.PK}: a replaced link of ${inv.id} still live`);
  }
  for (const e of scoped('invitationEmail')) {
    if (!get(e.PK as string, `INV#${e.invitationId}`)) linkViolations.push(`${e.PK}/${e.SK}: no invitation ${e.invitationId}`);
  }
  for (const n of scoped('roleName')) {
    if (!get(n.PK as string, `ROLE#${n.roleId}`)) linkViolations.push(`${n.PK}/${n.SK}: no role ${n.roleId}`);
  }
  for (const m of members) {
    if (!get(`USER#${m.userId}`, 'PROFILE')) linkViolations.push(`${m.PK}/${m.SK}: no user`);
    const accepted = invitations.find((i) => i.workspaceId === m.workspaceId && i.email === m.email);
    if (accepted && m.status !== 'removed') linkViolations.push(`${m.PK}/${m.SK}: member and still invited (${accepted.id})`);
  }
  const userIds = new Set(members.map((m) => m.userId));
  for (const e of items.filter((i) => i.type === 'userEmail' && userIds.has(i.userId))) {
    if (get(`USER#${e.userId}`, 'PROFILE')?.email !== (e.PK as string).slice('EMAIL#'.length)) linkViolations.push(`${e.PK}: user ${e.userId} has another email`);
  }
  check('no index item without its base item', invitations.length + invitationTokens.length + members.length + roles.length, linkViolations);

  check("membership index attributes follow the member's state", members.length, members.flatMap((m) => {
    const wantsSeat = holdsSeat(m.status) && m.role !== 'owner';
    const wantsAdmin = m.status === 'active' && ADMIN_ROLES.has(m.role as string);
    const bad: string[] = [];
    if ((m.GSI2PK === `SEATS#${m.workspaceId}`) !== wantsSeat) bad.push('seat index');
    if ((m.GSI3PK === `ADMINS#${m.workspaceId}`) !== wantsAdmin) bad.push('admins index');
    if ((m.status === 'removed') !== (typeof m.ttl === 'number')) bad.push('purge ttl');
    return bad.length ? [`${m.workspaceId}/${m.userId} (${m.status}, ${m.role}): ${bad.join(', ')}`] : [];
  }));

  if (opts.observed) {
    const { singleUse, exactlyOne } = opts.observed;
    check('no single-use link or refresh token accepted twice', singleUse.length,
      singleUse.flatMap((u, i) => (u.successes > 1 ? [`${u.kind} #${i}: ${u.successes} successes`] : [])));
    check('exactly one winner of each exclusive race', exactlyOne.length,
      exactlyOne.flatMap((r) => (r.winners === 1 ? [] : [`${r.race}: ${r.winners} winners`])));
  }
  return results;
}

/** One line per invariant, for the stress script and failure messages. */
export const formatInvariants = (results: InvariantResult[]): string =>
  results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.checked} checked)${r.ok ? '' : `\n       ${r.violations.slice(0, 10).join('\n       ')}`}`).join('\n');
