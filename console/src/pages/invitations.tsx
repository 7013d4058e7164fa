/** Pending and expired invitations: resend, revoke. (Editing one waits for the API's PATCH.) */
import { useState } from 'preact/hooks';
import { api, must, type Schemas } from '../api/client';
import { ErrorText, Show, useLoad } from '../ui/async';
import { Confirm } from '../ui/dialog';
import { useAction } from '../ui/action';
import { date, roleName } from '../ui/format';

export function Invitations({ ws, roles, changed }: { ws: string; roles: Schemas['Role'][]; changed: number }) {
  const list = useLoad(() => must(api.GET('/workspaces/{ws}/invitations', { params: { path: { ws } } })), [ws, changed]);
  return (
    <section aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invitations</h2>
      <Show state={list} empty={(d) => d.items.length === 0}>
        {(d) => (
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Expires</th><th scope="col">Actions</th></tr></thead>
              <tbody>{d.items.map((i) => <InvitationRow key={i.id} ws={ws} i={i} roles={roles} onChange={list.reload} />)}</tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}

function InvitationRow({ ws, i, roles, onChange }: { ws: string; i: Schemas['Invitation']; roles: Schemas['Role'][]; onChange: () => void }) {
  const [revoking, setRevoking] = useState(false);
  const { error, run } = useAction(() => { setRevoking(false); onChange(); });
  const path = { ws, invitationId: i.id };
  return (
    <tr>
      <th scope="row">{i.email}</th>
      <td>{roleName(i.role, roles)}</td>
      <td><span class={`badge ${i.status}`}>{i.status}</span> <span class="muted">email {i.emailStatus}</span></td>
      <td>{date(i.expiresAt)}</td>
      <td class="row-actions">
        <button type="button" onClick={() => void run(api.POST('/workspaces/{ws}/invitations/{invitationId}/resend', { params: { path } }), `Invitation sent again to ${i.email}`)}>Resend</button>
        <button type="button" class="danger" onClick={() => setRevoking(true)}>Revoke</button>
        {error && !revoking && <ErrorText>{error}</ErrorText>}
        {revoking && (
          <Confirm title={`Revoke the invitation for ${i.email}?`} body="The emailed link stops working." action="Revoke invitation"
            onClose={() => setRevoking(false)} onConfirm={() => void run(api.DELETE('/workspaces/{ws}/invitations/{invitationId}', { params: { path } }), 'Invitation revoked')}>
            {error && <ErrorText>{error}</ErrorText>}
          </Confirm>
        )}
      </td>
    </tr>
  );
}
