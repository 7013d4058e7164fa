/** Subscription (seed 003): the seat licences, used/limit as a bar, run reconciliation now and who it deactivated. */
import { useState } from 'preact/hooks';
import { api, messageOf, must } from '../api/client';
import { ErrorText, Loading } from '../ui/async';
import { Seats } from '../ui/seats';
import { toast } from '../ui/toast';
import { useWorkspace } from './use-workspace';
import type { WorkspacePageProps } from './workspace-pages';

export function Subscription({ ws, me }: WorkspacePageProps) {
  const context = useWorkspace(ws, me);
  if (context.error) return <ErrorText>{context.error}</ErrorText>;
  if (!context.data) return <Loading />;
  const { seats } = context.data.workspace;
  return (
    <>
      <h1>Subscription</h1>
      <Seats seats={seats} />
      {seats.used > seats.limit && (
        <p class="warning" role="note">
          {seats.used - seats.limit} more {seats.used - seats.limit === 1 ? 'member than seats' : 'members than seats'}: reconciliation deactivates the latest joiners.
        </p>
      )}
      <SeatLimit ws={ws} limit={seats.limit} onSaved={context.reload} />
      <Reconcile ws={ws} onDone={context.reload} />
    </>
  );
}

function SeatLimit({ ws, limit, onSaved }: { ws: string; limit: number; onSaved: () => void }) {
  const [seats, setSeats] = useState(limit);
  const [error, setError] = useState('');
  async function submit(ev: Event) {
    ev.preventDefault();
    setError('');
    const { data, error: err } = await api.PUT('/workspaces/{ws}/subscription', { params: { path: { ws } }, body: { seats } });
    if (!data) { setError(messageOf(err)); return; }
    toast(`Seat licences set to ${data.seats.limit}`);
    onSaved();
  }
  return (
    <section aria-labelledby="seat-limit">
      <h2 id="seat-limit">Seat licences</h2>
      <form class="row" onSubmit={submit}>
        <label for="seats-input">Seats</label>
        <input id="seats-input" type="number" min={1} max={1_000_000} required value={seats} onInput={(e) => setSeats(Number((e.target as HTMLInputElement).value))} />
        <button type="submit">Save seats</button>
        {error && <ErrorText>{error}</ErrorText>}
      </form>
    </section>
  );
}

function Reconcile({ ws, onDone }: { ws: string; onDone: () => void }) {
  const [result, setResult] = useState<{ names: string[] }>();
  const [error, setError] = useState('');
  async function run() {
    setError('');
    const { data, error: err } = await api.POST('/workspaces/{ws}/license-reconciliation', { params: { path: { ws } } });
    if (!data) { setError(messageOf(err)); return; }
    // The answer names user ids; the deactivated members' list gives their names.
    const deactivated = data.deactivated.length
      ? (await must(api.GET('/workspaces/{ws}/members', { params: { path: { ws }, query: { status: 'deactivated', limit: 100 } } }))).items
      : [];
    setResult({ names: data.deactivated.map((id) => deactivated.find((m) => m.userId === id)?.fullName ?? id) });
    toast(`Reconciliation done: ${data.deactivated.length} deactivated`);
    onDone();
  }
  return (
    <section aria-labelledby="reconcile">
      <h2 id="reconcile">Reconciliation</h2>
      <p class="muted">When there are more members than seats, the members who joined last are deactivated until seats free up. It runs on a schedule; you can run it now.</p>
      <button type="button" onClick={() => void run()}>Run reconciliation now</button>
      {error && <ErrorText>{error}</ErrorText>}
      {result && (
        result.names.length === 0
          ? <p>Nobody was deactivated.</p>
          : (
            <>
              <p>Deactivated:</p>
              <ul aria-label="Deactivated members">{result.names.map((n) => <li key={n}>{n}</li>)}</ul>
              <p><a href={`/console/workspaces/${ws}/members?status=deactivated`}>See deactivated members</a></p>
            </>
          )
      )}
    </section>
  );
}
