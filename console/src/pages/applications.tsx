/**
 * Applications (seed 001): application users — create with a name and an access type
 * (the secret shown once), the client id, reset secret (optionally with a grace period),
 * change access type, disable.
 */
import { useState } from 'preact/hooks';
import { api, messageOf, must, type Schemas } from '../api/client';
import { ErrorText, Show, useLoad } from '../ui/async';
import { Confirm, Dialog } from '../ui/dialog';
import { useAction } from '../ui/action';
import { SecretDialog } from '../ui/secret';
import { toast } from '../ui/toast';
import { PagedTable } from '../ui/paged-table';
import { date } from '../ui/format';
import type { WorkspacePageProps } from './workspace-pages';

type AccessType = Schemas['AppUser']['accessType'];
type AccessTypes = { accessType: AccessType; scopes: string[] }[];

export function Applications({ ws }: WorkspacePageProps) {
  const [cursor, setCursor] = useState<string>();
  const list = useLoad(() => must(api.GET('/workspaces/{ws}/app-users', { params: { path: { ws }, query: { cursor, limit: 50 } } })), [ws, cursor]);
  const types = useLoad(() => must(api.GET('/access-types')), []);
  const [secret, setSecret] = useState<{ title: string; secret: string; clientId: string }>();
  return (
    <>
      <h1>Applications</h1>
      <p class="muted">Application users let your own software call the Roster API with a client id and secret. They cannot sign in to this Console.</p>
      <h2>Application users</h2>
      <PagedTable state={list} cursor={cursor} onPage={setCursor} caption="Application users" columns={['Name', 'Client id', 'Access type', 'Created', 'Actions']}
        row={(a) => <AppUserRow key={a.clientId} ws={ws} a={a} types={types.data ?? []} onChange={list.reload} onSecret={setSecret} />} />
      <Show state={types}>
        {(t) => <CreateAppUser ws={ws} types={t} onCreated={(a) => { setSecret({ title: `${a.name} created`, secret: a.clientSecret, clientId: a.clientId }); list.reload(); }} />}
      </Show>
      {secret && <SecretDialog title={secret.title} secret={secret.secret} clientId={secret.clientId} onClose={() => setSecret(undefined)} />}
    </>
  );
}

function AccessTypeOptions({ types }: { types: AccessTypes }) {
  return <>{types.map((t) => <option key={t.accessType} value={t.accessType}>{t.accessType} ({t.scopes.join(', ')})</option>)}</>;
}

function CreateAppUser({ ws, types, onCreated }: { ws: string; types: AccessTypes; onCreated: (a: Schemas['CreatedAppUser']) => void }) {
  const [name, setName] = useState('');
  const [accessType, setAccessType] = useState<AccessType>('ObjectRead');
  const [error, setError] = useState('');
  async function submit(ev: Event) {
    ev.preventDefault();
    setError('');
    const { data, error: err } = await api.POST('/workspaces/{ws}/app-users', { params: { path: { ws } }, body: { name, accessType } });
    if (!data) { setError(messageOf(err)); return; }
    setName('');
    onCreated(data);
  }
  return (
    <section aria-labelledby="create-app-user">
      <h2 id="create-app-user">Create application user</h2>
      <form onSubmit={submit}>
        <label for="app-user-name">Name</label>
        <input id="app-user-name" required maxLength={100} placeholder="e.g. Report Export API" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <label for="app-user-type">Access type</label>
        <select id="app-user-type" value={accessType} onChange={(e) => setAccessType((e.target as HTMLSelectElement).value as AccessType)}>
          <AccessTypeOptions types={types} />
        </select>
        <div><button type="submit" class="primary">Save</button></div>
        {error && <ErrorText>{error}</ErrorText>}
      </form>
    </section>
  );
}

const GRACE: [number, string][] = [[0, 'At once'], [3600, 'In 1 hour'], [86_400, 'In 24 hours']];

function AppUserRow({ ws, a, types, onChange, onSecret }: {
  ws: string; a: Schemas['AppUser']; types: AccessTypes; onChange: () => void; onSecret: (s: { title: string; secret: string; clientId: string }) => void;
}) {
  const [dialog, setDialog] = useState<'reset' | 'disable'>();
  const [grace, setGrace] = useState(0);
  const { error, run, fail, clear } = useAction(() => { setDialog(undefined); onChange(); });
  const path = { ws, clientId: a.clientId };
  async function reset() {
    clear();
    const { data, error: err } = await api.POST('/workspaces/{ws}/app-users/{clientId}/secret', { params: { path }, body: { previousSecretExpiresInSeconds: grace } });
    if (!data) { fail(err); return; }
    setDialog(undefined);
    toast(`Secret of ${a.name} reset`);
    onSecret({ title: `New secret for ${a.name}`, secret: data.clientSecret, clientId: a.clientId });
  }
  return (
    <tr>
      <th scope="row">{a.name}</th>
      <td><code>{a.clientId}</code></td>
      <td>
        <select aria-label={`Access type of ${a.name}`} value={a.accessType}
          onChange={(e) => void run(api.PATCH('/workspaces/{ws}/app-users/{clientId}', { params: { path }, body: { accessType: (e.target as HTMLSelectElement).value as AccessType } }), `${a.name} access type changed`)}>
          <AccessTypeOptions types={types} />
        </select>
      </td>
      <td>{date(a.createdAt)}</td>
      <td class="row-actions">
        <button type="button" onClick={() => setDialog('reset')}>Reset secret</button>
        <button type="button" class="danger" onClick={() => setDialog('disable')}>Disable</button>
        {error && !dialog && <ErrorText>{error}</ErrorText>}
        {dialog === 'reset' && (
          <Dialog title={`Reset the secret of ${a.name}?`} onClose={() => setDialog(undefined)}>
            <p>A new secret is shown once. Its refresh tokens stop working.</p>
            <label for={`grace-${a.clientId}`}>The current secret stops working</label>
            <select id={`grace-${a.clientId}`} value={grace} onChange={(e) => setGrace(Number((e.target as HTMLSelectElement).value))}>
              {GRACE.map(([s, label]) => <option key={s} value={s}>{label}</option>)}
            </select>
            {error && <ErrorText>{error}</ErrorText>}
            <div class="actions">
              <button type="button" onClick={() => setDialog(undefined)}>Cancel</button>
              <button type="button" class="danger" onClick={() => void reset()}>Reset secret</button>
            </div>
          </Dialog>
        )}
        {dialog === 'disable' && (
          <Confirm title={`Disable ${a.name}?`} body="Its secret and tokens stop working within a minute. This cannot be undone." action="Disable application user"
            onClose={() => setDialog(undefined)} onConfirm={() => void run(api.DELETE('/workspaces/{ws}/app-users/{clientId}', { params: { path } }), `${a.name} disabled`)} />
        )}
      </td>
    </tr>
  );
}
