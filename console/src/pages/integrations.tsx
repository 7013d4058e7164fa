/** Integrations (seed 000): the list, create, and one integration's Edit → Sharing ("Specify Owners", "Specify Users") → Save. */
import { useState } from 'preact/hooks';
import { api, messageOf, must, type Schemas } from '../api/client';
import { navigate } from '../router';
import { ErrorText, Loading, Show, useLoad } from '../ui/async';
import { Confirm } from '../ui/dialog';
import { MemberPicker, nameOf, useActiveMembers } from '../ui/member-picker';
import { toast } from '../ui/toast';
import { PagedTable } from '../ui/paged-table';
import { date } from '../ui/format';
import type { WorkspacePageProps } from './workspace-pages';

export function Integrations({ ws }: WorkspacePageProps) {
  const [cursor, setCursor] = useState<string>();
  const list = useLoad(() => must(api.GET('/workspaces/{ws}/integrations', { params: { path: { ws }, query: { cursor, limit: 50 } } })), [ws, cursor]);
  const members = useActiveMembers(ws);
  return (
    <>
      <h1>Integrations</h1>
      <PagedTable state={list} cursor={cursor} onPage={setCursor} caption="Integrations" columns={['Name', 'Kind', 'Status', 'Owners', 'Users', 'Actions']}
        row={(i) => (
          <tr key={i.id}>
            <th scope="row">{i.name}</th>
            <td>{i.kind}</td>
            <td><span class={`badge ${i.status}`}>{i.status}</span></td>
            <td>{i.owners.map((o) => nameOf(members.data, o)).join(', ')}</td>
            <td>{i.users.length ? i.users.map((u) => nameOf(members.data, u)).join(', ') : <span class="muted">none</span>}</td>
            <td><a href={`/console/workspaces/${ws}/integrations/${i.id}`} aria-label={`Edit ${i.name}`}>Edit</a></td>
          </tr>
        )} />
      <CreateIntegration ws={ws} />
    </>
  );
}

function CreateIntegration({ ws }: { ws: string }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState('');
  const [error, setError] = useState('');
  async function submit(ev: Event) {
    ev.preventDefault();
    setError('');
    const { data, error: err } = await api.POST('/workspaces/{ws}/integrations', { params: { path: { ws } }, body: { name, ...(kind ? { kind } : {}) } });
    if (!data) { setError(messageOf(err)); return; }
    toast(`${data.name} created`);
    navigate(`/console/workspaces/${ws}/integrations/${data.id}`);
  }
  return (
    <section aria-labelledby="create-integration">
      <h2 id="create-integration">Create an integration</h2>
      <form onSubmit={submit}>
        <label for="integration-name">Name</label>
        <input id="integration-name" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <label for="integration-kind">Kind (optional)</label>
        <input id="integration-kind" maxLength={100} placeholder="e.g. salesforce" value={kind} onInput={(e) => setKind((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary">Create integration</button>
        {error && <ErrorText>{error}</ErrorText>}
      </form>
    </section>
  );
}

/** One integration: details, Edit (name), Sharing, Delete. */
export function IntegrationPage({ ws, params }: WorkspacePageProps) {
  const id = params.id!;
  const one = useLoad(() => must(api.GET('/workspaces/{ws}/integrations/{integrationId}', { params: { path: { ws, integrationId: id } } })), [ws, id]);
  const members = useActiveMembers(ws);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState('');
  async function remove() {
    const { error: err, response } = await api.DELETE('/workspaces/{ws}/integrations/{integrationId}', { params: { path: { ws, integrationId: id } } });
    if (!response.ok) { setError(messageOf(err)); return; }
    toast('Integration deleted');
    navigate(`/console/workspaces/${ws}/integrations`);
  }
  return (
    <>
      <p><a href={`/console/workspaces/${ws}/integrations`}>← All integrations</a></p>
      <Show state={one}>
        {(i) => (
          <>
            <h1>{i.name}</h1>
            <p>
              <span class={`badge ${i.status}`}>{i.status}</span> <span class="muted">{i.kind} · created {date(i.createdAt)}</span>
            </p>
            <Rename ws={ws} i={i} onSaved={one.reload} />
            {members.data ? <Sharing ws={ws} i={i} members={members.data} onSaved={one.reload} /> : members.error ? <ErrorText>{members.error}</ErrorText> : <Loading />}
            <h2>Delete</h2>
            <button type="button" class="danger" onClick={() => setDeleting(true)}>Delete integration</button>
            {error && !deleting && <ErrorText>{error}</ErrorText>}
            {deleting && (
              <Confirm title={`Delete ${i.name}?`} body="Its owners and users lose access. This cannot be undone." action="Delete integration"
                onClose={() => setDeleting(false)} onConfirm={() => void remove()}>
                {error && <ErrorText>{error}</ErrorText>}
              </Confirm>
            )}
          </>
        )}
      </Show>
    </>
  );
}

function Rename({ ws, i, onSaved }: { ws: string; i: Schemas['Integration']; onSaved: () => void }) {
  const [name, setName] = useState(i.name);
  const [error, setError] = useState('');
  async function submit(ev: Event) {
    ev.preventDefault();
    setError('');
    const { error: err, response } = await api.PATCH('/workspaces/{ws}/integrations/{integrationId}', { params: { path: { ws, integrationId: i.id } }, body: { name } });
    if (!response.ok) { setError(messageOf(err)); return; }
    toast('Integration saved');
    onSaved();
  }
  return (
    <section aria-labelledby="edit-title">
      <h2 id="edit-title">Edit</h2>
      <form onSubmit={submit} class="row">
        <label for="rename">Name</label>
        <input id="rename" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <button type="submit">Save name</button>
        {error && <ErrorText>{error}</ErrorText>}
      </form>
    </section>
  );
}

function Sharing({ ws, i, members, onSaved }: { ws: string; i: Schemas['Integration']; members: Schemas['Member'][]; onSaved: () => void }) {
  const [owners, setOwners] = useState(i.owners);
  const [users, setUsers] = useState(i.users);
  const [notify, setNotify] = useState(true);
  const [error, setError] = useState('');
  async function save(ev: Event) {
    ev.preventDefault();
    setError('');
    const { error: err, response } = await api.PUT('/workspaces/{ws}/integrations/{integrationId}/sharing', {
      params: { path: { ws, integrationId: i.id } }, body: { owners, users: users.filter((u) => !owners.includes(u)), notify },
    });
    if (!response.ok) { setError(messageOf(err)); return; }
    toast('Sharing saved');
    onSaved();
  }
  return (
    <section aria-labelledby="sharing-title">
      <h2 id="sharing-title">Sharing</h2>
      <form onSubmit={save}>
        <MemberPicker id="owners" label="Specify Owners" members={members} selected={owners} onChange={setOwners} />
        <MemberPicker id="users" label="Specify Users" members={members} selected={users} onChange={setUsers} exclude={owners} />
        <label><input type="checkbox" checked={notify} onChange={(e) => setNotify((e.target as HTMLInputElement).checked)} /> Email the people I add</label>
        <div><button type="submit" class="primary">Save</button></div>
        {error && <ErrorText>{error}</ErrorText>}
      </form>
    </section>
  );
}
