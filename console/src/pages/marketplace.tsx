/**
 * Marketplace (seed 004): the catalog; "Install now" in two steps — (1) only me, me + all
 * users, or me + specific users (not offered when the app forbids user selection) and
 * "notify by email", (2) the app's permissions and "Allow and continue"; "+ Add" on an
 * installed app; uninstall.
 */
import { useState } from 'preact/hooks';
import { api, messageOf, must, type Schemas } from '../api/client';
import { ErrorText, Show, useLoad } from '../ui/async';
import { Confirm, Dialog } from '../ui/dialog';
import { useAction } from '../ui/action';
import { MemberPicker, useActiveMembers } from '../ui/member-picker';
import { toast } from '../ui/toast';
import type { WorkspacePageProps } from './workspace-pages';

type App = Schemas['CatalogApp'];
type Installation = Schemas['Installation'];
type Audience = Installation['audience'];

export function Marketplace({ ws, me }: WorkspacePageProps) {
  const state = useLoad(async () => {
    const [catalog, installed] = await Promise.all([
      must(api.GET('/apps')),
      must(api.GET('/workspaces/{ws}/apps', { params: { path: { ws } } })),
    ]);
    return { catalog: catalog.items, installed: installed.items };
  }, [ws]);
  const members = useActiveMembers(ws);
  const [dialog, setDialog] = useState<{ kind: 'install' | 'add' | 'uninstall'; app: App; inst?: Installation }>();
  const close = () => setDialog(undefined);
  const done = () => { setDialog(undefined); state.reload(); };
  return (
    <>
      <h1>Marketplace</h1>
      <Show state={state} empty={(d) => d.catalog.length === 0}>
        {({ catalog, installed }) => (
          <ul class="cards" aria-label="Apps">
            {catalog.map((app) => {
              const inst = installed.find((i) => i.appId === app.id);
              return (
                <li key={app.id} aria-label={app.name}>
                  <div class="grow">
                    <b>{app.name}</b> <span class="muted">by {app.developer}</span>
                    {inst && <p class="muted">Installed · {count(inst, 'authorized')} authorized, {count(inst, 'pending')} pending</p>}
                  </div>
                  {inst ? (
                    <>
                      <button type="button" onClick={() => setDialog({ kind: 'add', app, inst })}>+ Add<span class="visually-hidden"> users to {app.name}</span></button>
                      <button type="button" class="danger" onClick={() => setDialog({ kind: 'uninstall', app, inst })}>Uninstall<span class="visually-hidden"> {app.name}</span></button>
                    </>
                  ) : (
                    <button type="button" class="primary" onClick={() => setDialog({ kind: 'install', app })}>Install now<span class="visually-hidden"> {app.name}</span></button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Show>
      {dialog?.kind === 'install' && <Install ws={ws} app={dialog.app} me={me.user.id} members={members.data ?? []} onClose={close} onDone={done} />}
      {dialog?.kind === 'add' && <AddUsers ws={ws} app={dialog.app} inst={dialog.inst!} members={members.data ?? []} onClose={close} onDone={done} />}
      {dialog?.kind === 'uninstall' && <Uninstall ws={ws} app={dialog.app} onClose={close} onDone={done} />}
    </>
  );
}

const count = (inst: Installation, status: 'pending' | 'authorized') => inst.users.filter((u) => u.status === status).length;

function Install({ ws, app, me, members, onClose, onDone }: {
  ws: string; app: App; me: string; members: Schemas['Member'][]; onClose: () => void; onDone: () => void;
}) {
  const [step, setStep] = useState<1 | 2>(1);
  const [audience, setAudience] = useState<Audience>('me');
  const [users, setUsers] = useState<string[]>([]);
  const [notify, setNotify] = useState(true);
  const [error, setError] = useState('');
  const options: [Audience, string][] = [['me', 'Only me'], ['all', 'Me + all users'], ...(app.allowsUserSelection ? [['specific', 'Me + specific users'] as [Audience, string]] : [])];
  async function allow() {
    setError('');
    const body = { audience, acceptPermissions: true as const, notify, ...(audience === 'specific' ? { users } : {}) };
    const { error: err, response } = await api.POST('/workspaces/{ws}/apps/{appId}/install', { params: { path: { ws, appId: app.id } }, body });
    if (!response.ok) { setError(messageOf(err)); return; }
    toast(`${app.name} installed`);
    onDone();
  }
  return (
    <Dialog title={`Install ${app.name}`} onClose={onClose}>
      <p class="muted">Step {step} of 2</p>
      {step === 1 ? (
        <form onSubmit={(e) => { e.preventDefault(); setStep(2); }}>
          <fieldset>
            <legend>Who gets the app</legend>
            {options.map(([value, label]) => (
              <label key={value} class="block"><input type="radio" name="audience" value={value} checked={audience === value} onChange={() => setAudience(value)} /> {label}</label>
            ))}
            {!app.allowsUserSelection && <p class="muted">{app.developer} does not allow choosing specific users for this app.</p>}
          </fieldset>
          {audience === 'specific' && <MemberPicker id="install-users" label="Specific users" members={members} selected={users} onChange={setUsers} exclude={[me]} />}
          {audience !== 'me' && <label class="block"><input type="checkbox" checked={notify} onChange={(e) => setNotify((e.target as HTMLInputElement).checked)} /> Notify the users by email</label>}
          <div class="actions">
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="submit" class="primary">Continue</button>
          </div>
        </form>
      ) : (
        <>
          <p>{app.name} will be able to:</p>
          <ul aria-label="Permissions">{app.permissions.map((p) => <li key={p}>{p}</li>)}</ul>
          <p class="muted">You are added and authorized at once; other users authorize it themselves.</p>
          {error && <ErrorText>{error}</ErrorText>}
          <div class="actions">
            <button type="button" onClick={() => setStep(1)}>Back</button>
            <button type="button" class="primary" onClick={() => void allow()}>Allow and continue</button>
          </div>
        </>
      )}
    </Dialog>
  );
}

function AddUsers({ ws, app, inst, members, onClose, onDone }: {
  ws: string; app: App; inst: Installation; members: Schemas['Member'][]; onClose: () => void; onDone: () => void;
}) {
  const before = inst.users.map((u) => u.userId);
  const [users, setUsers] = useState(before);
  const [notify, setNotify] = useState(true);
  const { error, run } = useAction(onDone);
  const add = users.filter((u) => !before.includes(u));
  const remove = before.filter((u) => !users.includes(u));
  return (
    <Dialog title={`Users of ${app.name}`} onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); void run(api.PATCH('/workspaces/{ws}/apps/{appId}/users', { params: { path: { ws, appId: app.id } }, body: { add, remove, notify } }), `Users of ${app.name} saved`); }}>
        <MemberPicker id="app-users" label="Users" members={members} selected={users} onChange={setUsers} exclude={[inst.installedBy]} />
        <label class="block"><input type="checkbox" checked={notify} onChange={(e) => setNotify((e.target as HTMLInputElement).checked)} /> Notify added users by email</label>
        {error && <ErrorText>{error}</ErrorText>}
        <div class="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" class="primary" disabled={add.length + remove.length === 0}>Save</button>
        </div>
      </form>
    </Dialog>
  );
}

function Uninstall({ ws, app, onClose, onDone }: { ws: string; app: App; onClose: () => void; onDone: () => void }) {
  const { error, run } = useAction(onDone);
  return (
    <Confirm title={`Uninstall ${app.name}?`} body="Everyone loses the app; installing it again starts over." action="Uninstall" onClose={onClose}
      onConfirm={() => void run(api.DELETE('/workspaces/{ws}/apps/{appId}', { params: { path: { ws, appId: app.id } } }), `${app.name} uninstalled`)}>
      {error && <ErrorText>{error}</ErrorText>}
    </Confirm>
  );
}
