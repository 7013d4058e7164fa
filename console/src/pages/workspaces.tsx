/** Your workspaces, and a new one. */
import { useState } from 'preact/hooks';
import { api, messageOf, type Schemas } from '../api/client';
import { navigate } from '../router';
import { roleName } from '../ui/format';

export function Workspaces({ me, onCreated }: { me: Schemas['Me']; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  async function create(ev: Event) {
    ev.preventDefault();
    const { data, error: err } = await api.POST('/workspaces', { body: { name } });
    if (!data) { setError(messageOf(err)); return; }
    onCreated();
    navigate(`/console/workspaces/${data.id}/members`);
  }
  return (
    <>
      <h1>Your workspaces</h1>
      {me.workspaces.length === 0 ? <p class="muted">You are not a member of any workspace yet.</p> : (
        <ul class="cards">
          {me.workspaces.map((w) => (
            <li key={w.id}>
              {w.status === 'active' ? <a href={`/console/workspaces/${w.id}/members`}>{w.name}</a> : <span>{w.name}</span>}
              <span class="muted"> · {roleName(w.role)} · {w.status}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>Create a workspace</h2>
      <form onSubmit={create} class="inline">
        <label for="ws-name">Workspace name</label>
        <input id="ws-name" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary">Create workspace</button>
        {error && <p role="alert" class="error">{error}</p>}
      </form>
    </>
  );
}
