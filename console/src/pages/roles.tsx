/** Roles (seed 003): the built-in roles as the seed's matrix, custom roles (create, edit, delete), the default role. */
import { useState } from 'preact/hooks';
import { api, messageOf, type Schemas } from '../api/client';
import { ErrorText, Loading } from '../ui/async';
import { Confirm, Dialog } from '../ui/dialog';
import { useAction } from '../ui/action';
import { toast } from '../ui/toast';
import { useWorkspace, type Permission } from './use-workspace';
import type { WorkspacePageProps } from './workspace-pages';

/** Every permission the API names, in the seed's words; a new one in the contract breaks `tsc` here until it has a label. */
const PERMISSIONS: Record<Permission, string> = {
  'workspace.transfer_ownership': 'Transfer workspace ownership to another member',
  'workspace.manage': 'Manage workspace (members, folders, preferences, entities)',
  'members.read': 'See the members',
  'members.manage': 'Invite, change, suspend and remove members',
  'members.export': 'Export the member list (CSV)',
  'auth.manage': 'Manage authentication',
  'developer.access': 'Access Developer menu (application users)',
  'integrations.manage_all': 'Manage every integration',
  'integrations.create': 'Create integrations',
  'apps.install': 'Install marketplace apps for others',
  'audit.read': 'Read the audit log',
  'contacts.export': 'Export workspace shared and personal contacts',
  'contacts.import': 'Import shared contacts',
  'transactions.edit_all_folders': 'Create/edit transactions in all folders',
  'transactions.edit_permitted_folders': 'Create/edit transactions in permitted folders only',
  'templates.edit': 'Create/edit templates',
  'templates.read_all': 'Display all templates (published and unpublished)',
  'templates.read_published': 'Display published templates only',
  'templates.use_published': 'Create transactions from a published template',
  'transactions.read_permitted_folders': 'Display published templates and transactions in permitted folders only',
};
const ALL = Object.keys(PERMISSIONS) as Permission[];

export function Roles({ ws, me }: WorkspacePageProps) {
  const context = useWorkspace(ws, me);
  const [editing, setEditing] = useState<Schemas['Role'] | 'new'>();
  if (context.error) return <ErrorText>{context.error}</ErrorText>;
  if (!context.data) return <Loading />;
  const { workspace, roles, can } = context.data;
  const manage = can('workspace.manage');
  return (
    <>
      <h1>Roles</h1>
      <div class="table-wrap">
        <table class="matrix">
          <caption>What each role may do</caption>
          <thead>
            <tr><th scope="col">Permission</th>{roles.map((r) => <th key={r.id} scope="col">{r.name}</th>)}</tr>
          </thead>
          <tbody>
            {ALL.map((p) => (
              <tr key={p}>
                <th scope="row">{PERMISSIONS[p]}</th>
                {roles.map((r) => (
                  <td key={r.id}>{r.permissions.includes(p) ? <><span aria-hidden="true">✓</span><span class="visually-hidden">yes</span></> : <span class="visually-hidden">no</span>}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {manage && (
        <>
          <h2>Custom roles</h2>
          <ul class="cards">
            {roles.filter((r) => !r.builtIn).map((r) => <CustomRole key={r.id} ws={ws} role={r} onEdit={() => setEditing(r)} onChange={context.reload} />)}
          </ul>
          <button type="button" onClick={() => setEditing('new')}>Create custom role</button>
          <DefaultRole ws={ws} roles={roles} current={workspace.defaultRole} onSaved={context.reload} />
        </>
      )}
      {editing && <RoleEditor ws={ws} role={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); context.reload(); }} />}
    </>
  );
}

function CustomRole({ ws, role, onEdit, onChange }: { ws: string; role: Schemas['Role']; onEdit: () => void; onChange: () => void }) {
  const [deleting, setDeleting] = useState(false);
  const { error, run } = useAction(() => { setDeleting(false); onChange(); });
  return (
    <li>
      <b>{role.name}</b> <span class="muted">{role.permissions.length} permissions</span>
      <button type="button" onClick={onEdit} aria-label={`Edit ${role.name}`}>Edit</button>
      <button type="button" class="danger" onClick={() => setDeleting(true)} aria-label={`Delete ${role.name}`}>Delete</button>
      {error && !deleting && <ErrorText>{error}</ErrorText>}
      {deleting && (
        <Confirm title={`Delete the role ${role.name}?`} body="Only a role nobody holds can be deleted." action="Delete role" onClose={() => setDeleting(false)}
          onConfirm={() => void run(api.DELETE('/workspaces/{ws}/roles/{roleId}', { params: { path: { ws, roleId: role.id } } }), `Role ${role.name} deleted`)}>
          {error && <ErrorText>{error}</ErrorText>}
        </Confirm>
      )}
    </li>
  );
}

function RoleEditor({ ws, role, onClose, onSaved }: { ws: string; role?: Schemas['Role']; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(role?.name ?? '');
  const [permissions, setPermissions] = useState<Permission[]>(role?.permissions ?? ['members.read']);
  const [error, setError] = useState('');
  async function submit(ev: Event) {
    ev.preventDefault();
    setError('');
    const { error: err, response } = role
      ? await api.PATCH('/workspaces/{ws}/roles/{roleId}', { params: { path: { ws, roleId: role.id } }, body: { name, permissions } })
      : await api.POST('/workspaces/{ws}/roles', { params: { path: { ws } }, body: { name, permissions } });
    if (!response.ok) { setError(messageOf(err)); return; }
    toast(`Role ${name} saved`);
    onSaved();
  }
  const toggle = (p: Permission, on: boolean) => setPermissions(on ? [...permissions, p] : permissions.filter((x) => x !== p));
  return (
    <Dialog title={role ? `Edit ${role.name}` : 'Create custom role'} onClose={onClose}>
      <form onSubmit={submit}>
        <label for="role-name">Name</label>
        <input id="role-name" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <fieldset>
          <legend>Permissions</legend>
          <ul class="checks">
            {ALL.map((p) => (
              <li key={p}><label><input type="checkbox" checked={permissions.includes(p)} onChange={(e) => toggle(p, (e.target as HTMLInputElement).checked)} /> {PERMISSIONS[p]}</label></li>
            ))}
          </ul>
        </fieldset>
        {error && <ErrorText>{error}</ErrorText>}
        <div class="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" class="primary">Save role</button>
        </div>
      </form>
    </Dialog>
  );
}

function DefaultRole({ ws, roles, current, onSaved }: { ws: string; roles: Schemas['Role'][]; current: string; onSaved: () => void }) {
  const [role, setRole] = useState(current);
  const { error, run } = useAction(onSaved);
  return (
    <section aria-labelledby="default-role">
      <h2 id="default-role">Default role</h2>
      <form class="row" onSubmit={(e) => { e.preventDefault(); void run(api.PATCH('/workspaces/{ws}', { params: { path: { ws } }, body: { defaultRole: role } }), 'Default role saved'); }}>
        <label for="default-role-select">New members get</label>
        <select id="default-role-select" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
          {roles.filter((r) => r.id !== 'owner').map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
        </select>
        <button type="submit">Save default role</button>
        {error && <ErrorText>{error}</ErrorText>}
      </form>
    </section>
  );
}
