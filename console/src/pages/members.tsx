/** Members (seeds 002, 003): seats, filters and paging, invite, per-member actions, CSV export; invitations below. */
import { useState } from 'preact/hooks';
import { api, messageOf, must, type Schemas } from '../api/client';
import { navigate, useLocation } from '../router';
import { ErrorText, Loading, Show, useLoad } from '../ui/async';
import { Confirm } from '../ui/dialog';
import { toast } from '../ui/toast';
import { Pager } from '../ui/pager';
import { Seats } from '../ui/seats';
import { useAction } from '../ui/action';
import { date, daysUntil, roleName } from '../ui/format';
import { useWorkspace } from './use-workspace';
import { Invitations } from './invitations';
import type { WorkspacePageProps } from './workspace-pages';

type Member = Schemas['Member'];
type Status = Member['status'];
const STATUSES: Status[] = ['active', 'suspended', 'deactivated', 'removed'];

export function Members({ ws, me }: WorkspacePageProps) {
  const { query } = useLocation();
  const status = (STATUSES as string[]).includes(query.get('status') ?? '') ? (query.get('status') as Status) : undefined;
  const role = query.get('role') ?? undefined;
  const cursor = query.get('cursor') ?? undefined;
  const context = useWorkspace(ws, me);
  const list = useLoad(() => must(api.GET('/workspaces/{ws}/members', { params: { path: { ws }, query: { status, role, cursor, limit: 25 } } })),
    [ws, status, role, cursor]);
  const [invitesChanged, setInvitesChanged] = useState(0);

  const setQuery = (changes: Record<string, string | undefined>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) if (v) q.set(k, v); else q.delete(k);
    q.delete('cursor');
    if (changes.cursor) q.set('cursor', changes.cursor);
    navigate(`/console/workspaces/${ws}/members${q.size ? `?${q}` : ''}`);
  };
  const refresh = () => { list.reload(); context.reload(); };

  if (context.error) return <ErrorText>{context.error}</ErrorText>;
  if (!context.data) return <Loading />;
  const { workspace, roles, can } = context.data;

  return (
    <>
      <h1>Members of {workspace.name}</h1>
      <Seats seats={workspace.seats} />
      <div class="toolbar">
        <label for="filter-status">Status</label>
          <select id="filter-status" value={status ?? ''} onChange={(e) => setQuery({ status: (e.target as HTMLSelectElement).value })}>
            <option value="">All</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        <label for="filter-role">Role</label>
          <select id="filter-role" value={role ?? ''} onChange={(e) => setQuery({ role: (e.target as HTMLSelectElement).value })}>
            <option value="">All</option>
            {roles.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        {can('members.export') && <ExportButton ws={ws} />}
      </div>
      <Show state={list} empty={(d) => d.items.length === 0 && !cursor}>
        {(d) => (
          <>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Members</caption>
                <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Joined</th><th scope="col">Actions</th></tr></thead>
                <tbody>
                  {d.items.map((m) => <MemberRow key={m.userId} ws={ws} m={m} roles={roles} manage={can('members.manage')} all={d.items} onChange={refresh} />)}
                </tbody>
              </table>
            </div>
            <Pager cursor={cursor} next={d.nextCursor} onPage={(c) => setQuery({ cursor: c })} />
          </>
        )}
      </Show>
      {can('members.manage') && <Invite ws={ws} roles={roles} defaultRole={workspace.defaultRole} onDone={() => { refresh(); setInvitesChanged((n) => n + 1); }} />}
      {can('members.manage') && <Invitations ws={ws} roles={roles} changed={invitesChanged} />}
    </>
  );
}

function ExportButton({ ws }: { ws: string }) {
  const [error, setError] = useState('');
  async function download() {
    setError('');
    const { data, error: err, response } = await api.GET('/workspaces/{ws}/members/export', { params: { path: { ws } }, parseAs: 'blob' });
    if (!data) { setError(messageOf(err)); return; }
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `members-${ws}.csv`;
    const url = URL.createObjectURL(data);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  return <>{' '}<button type="button" onClick={() => void download()}>Export CSV</button>{error && <ErrorText>{error}</ErrorText>}</>;
}

type Pending = { kind: 'remove' | 'purge'; m: Member } | undefined;

function MemberRow({ ws, m, roles, manage, all, onChange }: {
  ws: string; m: Member; roles: Schemas['Role'][]; manage: boolean; all: Member[]; onChange: () => void;
}) {
  const [confirm, setConfirm] = useState<Pending>();
  const [reassignTo, setReassignTo] = useState('');
  const { error, run } = useAction(() => { setConfirm(undefined); onChange(); });
  const path = { ws, userId: m.userId };
  const changeRole = (role: string) =>
    run(api.PATCH('/workspaces/{ws}/members/{userId}', { params: { path }, body: { role } }), `${m.fullName} is now ${roleName(role, roles)}`);

  const owner = m.role === 'owner';
  return (
    <tr>
      <th scope="row">{m.fullName}</th>
      <td>{m.email}</td>
      <td>
        {manage && m.status === 'active' && !owner ? (
          <select aria-label={`Role of ${m.fullName}`} value={m.role} onChange={(e) => void changeRole((e.target as HTMLSelectElement).value)}>
            {roles.filter((r) => r.id !== 'owner').map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        ) : roleName(m.role, roles)}
      </td>
      <td>
        <span class={`badge ${m.status}`}>{m.status}</span>
        {m.status === 'removed' && m.purgeAt && <span class="muted"> · {daysLeft(m.purgeAt)}</span>}
      </td>
      <td>{date(m.joinedAt)}</td>
      <td class="row-actions">
        {manage && !owner && m.status === 'active' && <button type="button" onClick={() => void run(api.POST('/workspaces/{ws}/members/{userId}/suspend', { params: { path } }), `${m.fullName} is suspended`)}>Suspend</button>}
        {manage && m.status === 'suspended' && <button type="button" onClick={() => void run(api.POST('/workspaces/{ws}/members/{userId}/unsuspend', { params: { path } }), `${m.fullName} is active again`)}>Unsuspend</button>}
        {manage && m.status === 'deactivated' && <button type="button" onClick={() => void run(api.POST('/workspaces/{ws}/members/{userId}/reactivate', { params: { path } }), `${m.fullName} is active again`)}>Reactivate</button>}
        {manage && !owner && m.status !== 'removed' && <button type="button" class="danger" onClick={() => setConfirm({ kind: 'remove', m })}>Remove</button>}
        {manage && m.status === 'removed' && <button type="button" onClick={() => void run(api.POST('/workspaces/{ws}/members/{userId}/restore', { params: { path } }), `${m.fullName} is restored`)}>Restore</button>}
        {manage && m.status === 'removed' && <button type="button" class="danger" onClick={() => setConfirm({ kind: 'purge', m })}>Purge now</button>}
        {error && !confirm && <ErrorText>{error}</ErrorText>}
        {confirm?.kind === 'remove' && (
          <Confirm title={`Remove ${m.fullName}?`} action="Remove member" onClose={() => setConfirm(undefined)}
            body="They lose access at once and free their seat. You can restore them within 14 days."
            onConfirm={() => void run(api.DELETE('/workspaces/{ws}/members/{userId}', { params: { path }, body: reassignTo ? { reassignTo } : {} }), `${m.fullName} is removed`)}>
            <label for={`reassign-${m.userId}`}>Reassign their integrations to</label>
            <select id={`reassign-${m.userId}`} value={reassignTo} onChange={(e) => setReassignTo((e.target as HTMLSelectElement).value)}>
              <option value="">Nobody (they become orphaned)</option>
              {all.filter((o) => o.status === 'active' && o.userId !== m.userId).map((o) => <option key={o.userId} value={o.userId}>{o.fullName}</option>)}
            </select>
            {error && <ErrorText>{error}</ErrorText>}
          </Confirm>
        )}
        {confirm?.kind === 'purge' && (
          <Confirm title={`Purge ${m.fullName} now?`} action="Purge now" onClose={() => setConfirm(undefined)}
            body="Their record and any orphaned integrations are deleted for good. This cannot be undone."
            onConfirm={() => void run(api.DELETE('/workspaces/{ws}/members/{userId}', { params: { path, query: { purge: 'true' } } }), `${m.fullName} is purged`)}>
            {error && <ErrorText>{error}</ErrorText>}
          </Confirm>
        )}
      </td>
    </tr>
  );
}

const daysLeft = (purgeAt: string) => {
  const d = daysUntil(purgeAt);
  return `${d} ${d === 1 ? 'day' : 'days'} left to restore`;
};

function Invite({ ws, roles, defaultRole, onDone }: { ws: string; roles: Schemas['Role'][]; defaultRole: string; onDone: () => void }) {
  const [emails, setEmails] = useState('');
  const [role, setRole] = useState(defaultRole);
  const [days, setDays] = useState(7);
  const [error, setError] = useState('');
  const [results, setResults] = useState<{ email: string; status: string; purgeAt?: string }[]>([]);
  async function submit(ev: Event) {
    ev.preventDefault();
    setError('');
    const { data, error: err } = await api.POST('/workspaces/{ws}/invitations', { params: { path: { ws } }, body: { emails, role, expiresInDays: days } });
    if (!data) { setError(messageOf(err)); return; }
    setResults(data.results);
    const invited = data.results.filter((r) => r.status === 'invited').length;
    toast(`${invited} ${invited === 1 ? 'invitation' : 'invitations'} sent`);
    if (invited === data.results.length) setEmails('');
    onDone();
  }
  return (
    <section aria-labelledby="invite-title">
      <h2 id="invite-title">Invite members</h2>
      <form onSubmit={submit}>
        <label for="invite-emails">Email addresses</label>
        <textarea id="invite-emails" rows={3} required aria-describedby="invite-help" value={emails} onInput={(e) => setEmails((e.target as HTMLTextAreaElement).value)} />
        <p id="invite-help" class="muted">Separate addresses with commas, semicolons or new lines (up to 100).</p>
        <div class="row">
          <label for="invite-role">Role</label>
          <select id="invite-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
            {roles.filter((r) => r.id !== 'owner').map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
          <label for="invite-days">Expires in (days)</label>
          <input id="invite-days" type="number" min={1} max={30} value={days} onInput={(e) => setDays(Number((e.target as HTMLInputElement).value))} />
          <button type="submit" class="primary">Send invitations</button>
        </div>
        {error && <ErrorText>{error}</ErrorText>}
      </form>
      {results.length > 0 && (
        <ul class="results" aria-label="Invitation results">
          {results.map((r) => <li key={r.email}><b>{r.email}</b>: {RESULT[r.status] ?? r.status}{r.purgeAt ? ` (restore or purge first; window ends ${date(r.purgeAt)})` : ''}</li>)}
        </ul>
      )}
    </section>
  );
}

const RESULT: Record<string, string> = {
  invited: 'invited', already_member: 'already a member', already_invited: 'already invited',
  invalid_email: 'not a valid email address', in_removal_window: 'removed recently',
};
