/** Profile: your name, your sessions, "sign out everywhere". */
import { useState } from 'preact/hooks';
import { api, messageOf, must, type Schemas } from '../api/client';
import { forget } from '../auth/session';
import { ErrorText, Show, useLoad } from '../ui/async';
import { Confirm } from '../ui/dialog';
import { toast } from '../ui/toast';
import { date } from '../ui/format';

export function Profile({ me, onSaved }: { me: Schemas['Me']; onSaved: () => void }) {
  const [fullName, setFullName] = useState(me.user.fullName);
  const [error, setError] = useState('');
  const [confirm, setConfirm] = useState(false);
  const sessions = useLoad(() => must(api.GET('/me/sessions')), []);

  async function save(ev: Event) {
    ev.preventDefault();
    const { error: err, response } = await api.PATCH('/me', { body: { fullName } });
    if (!response.ok) { setError(messageOf(err)); return; }
    toast('Profile saved');
    onSaved();
  }
  async function end(id: string) {
    const { error: err, response } = await api.DELETE('/me/sessions/{sessionId}', { params: { path: { sessionId: id } } });
    if (!response.ok) { setError(messageOf(err)); return; }
    toast('Session ended');
    sessions.reload();
  }
  async function everywhere() {
    const { error: err, response } = await api.POST('/me/sessions/revoke-all');
    if (!response.ok) { setError(messageOf(err)); return; }
    forget();
  }
  return (
    <>
      <h1>Your profile</h1>
      <form onSubmit={save} class="inline">
        <label for="full-name">Full name</label>
        <input id="full-name" required value={fullName} onInput={(e) => setFullName((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary">Save</button>
      </form>
      <p class="muted">Signed in as {me.user.email}</p>
      {error && <ErrorText>{error}</ErrorText>}
      <h2>Sessions</h2>
      <Show state={sessions}>
        {(d) => (
          <ul class="cards">
            {d.items.map((s) => (
              <li key={s.id}>
                <span>{s.userAgent ?? 'Unknown browser'}</span>
                <span class="muted"> · started {date(s.createdAt)} · last used {date(s.lastUsedAt)}</span>
                {s.current ? <b> · this browser</b> : <button type="button" onClick={() => void end(s.id)}>End session</button>}
              </li>
            ))}
          </ul>
        )}
      </Show>
      <button type="button" class="danger" onClick={() => setConfirm(true)}>Sign out everywhere</button>
      {confirm && (
        <Confirm title="Sign out everywhere?" body="Every session ends, this one included. Other browsers lose access within a minute." action="Sign out everywhere"
          onClose={() => setConfirm(false)} onConfirm={() => void everywhere()} />
      )}
    </>
  );
}
