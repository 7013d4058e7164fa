/** My apps (seed 004): the apps added for me; authorizing one (the page the "Authorize app" email opens). */
import { api, must } from '../api/client';
import { Show, useLoad, ErrorText } from '../ui/async';
import { useAction } from '../ui/action';
import { nameOf, useActiveMembers } from '../ui/member-picker';
import { date } from '../ui/format';
import type { WorkspacePageProps } from './workspace-pages';

export function MyApps({ ws, me }: WorkspacePageProps) {
  const installed = useLoad(() => must(api.GET('/workspaces/{ws}/apps', { params: { path: { ws } } })), [ws]);
  return (
    <>
      <h1>My apps</h1>
      <Show state={installed} empty={(d) => !d.items.some((i) => i.users.some((u) => u.userId === me.user.id))}>
        {(d) => (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Apps added for you</caption>
              <thead><tr><th scope="col">App</th><th scope="col">Status</th><th scope="col">Added</th><th scope="col">Actions</th></tr></thead>
              <tbody>
                {d.items.map((i) => {
                  const mine = i.users.find((u) => u.userId === me.user.id);
                  if (!mine) return null;
                  return (
                    <tr key={i.appId}>
                      <th scope="row">{i.name}</th>
                      <td><span class={`badge ${mine.status}`}>{mine.status}</span></td>
                      <td>{date(mine.addedAt)}</td>
                      <td><a href={`/console/workspaces/${ws}/my-apps/${i.appId}`}>{mine.status === 'pending' ? `Authorize ${i.name}` : `Open ${i.name}`}</a></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </>
  );
}

export function MyApp({ ws, me, params }: WorkspacePageProps) {
  const appId = params.app!;
  const state = useLoad(async () => {
    const [inst, catalog] = await Promise.all([
      must(api.GET('/workspaces/{ws}/apps/{appId}', { params: { path: { ws, appId } } })),
      must(api.GET('/apps')),
    ]);
    return { inst, app: catalog.items.find((a) => a.id === appId) };
  }, [ws, appId]);
  const members = useActiveMembers(ws);
  const { error, run } = useAction(state.reload);
  return (
    <>
      <p><a href={`/console/workspaces/${ws}/my-apps`}>← My apps</a></p>
      <Show state={state}>
        {({ inst, app }) => {
          const mine = inst.users.find((u) => u.userId === me.user.id);
          return (
            <>
              <h1>{inst.name}</h1>
              {!mine && <p>This app was not added for you. Ask an administrator to add you.</p>}
              {mine && (
                <p>
                  {nameOf(members.data, inst.installedBy)} added {inst.name} for you on {date(mine.addedAt)}.{' '}
                  <span class={`badge ${mine.status}`}>{mine.status}</span>
                </p>
              )}
              {app && (
                <>
                  <h2>{inst.name} will be able to</h2>
                  <ul aria-label="Permissions">{app.permissions.map((p) => <li key={p}>{p}</li>)}</ul>
                </>
              )}
              {mine?.status === 'pending' && (
                <button type="button" class="primary" onClick={() => void run(api.POST('/workspaces/{ws}/apps/{appId}/authorize', { params: { path: { ws, appId } } }), `${inst.name} authorized`)}>
                  Authorize {inst.name}
                </button>
              )}
              {mine?.status === 'authorized' && <p>You authorized {inst.name} on {date(mine.authorizedAt)}.</p>}
              {error && <ErrorText>{error}</ErrorText>}
            </>
          );
        }}
      </Show>
    </>
  );
}
