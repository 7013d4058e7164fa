/** Audit log: every change, newest first, paged by the API's cursor. */
import { useState } from 'preact/hooks';
import { api, must } from '../api/client';
import { useLoad } from '../ui/async';
import { nameOf, useActiveMembers } from '../ui/member-picker';
import { PagedTable } from '../ui/paged-table';
import type { WorkspacePageProps } from './workspace-pages';

export function AuditLog({ ws }: WorkspacePageProps) {
  const [cursor, setCursor] = useState<string>();
  const list = useLoad(() => must(api.GET('/workspaces/{ws}/audit-events', { params: { path: { ws }, query: { cursor, limit: 50 } } })), [ws, cursor]);
  const members = useActiveMembers(ws, true);
  const who = (ref: { type: string; id: string }) => (ref.type === 'user' || ref.type === 'member' ? nameOf(members.data, ref.id) : `${ref.type} ${ref.id}`);
  return (
    <>
      <h1>Audit log</h1>
      <PagedTable state={list} cursor={cursor} onPage={setCursor} caption="Audit events, newest first" columns={['When', 'Who', 'Action', 'Target', 'Details']}
        row={(e) => (
          <tr key={e.id}>
            <td><time dateTime={e.at}>{new Date(e.at).toLocaleString('en-GB')}</time></td>
            <td>{who(e.actor)}</td>
            <th scope="row"><code>{e.action}</code></th>
            <td>{who(e.target)}</td>
            <td class="details">{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td>
          </tr>
        )} />
    </>
  );
}
