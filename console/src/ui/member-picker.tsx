/** "Specify users": a searchable list of the workspace's active members, by name or email. */
import { useState } from 'preact/hooks';
import { api, must, type Schemas } from '../api/client';
import { useLoad } from './async';

type Member = Schemas['Member'];
/** Enough for the lists a person picks from by hand; the API pages at 100. */
const MAX_PAGES = 5;

/** The workspace's active members (for pickers), or all of them (`everyone`: names for ids in a history). */
export function useActiveMembers(ws: string, everyone = false) {
  return useLoad(async () => {
    const all: Member[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await must(api.GET('/workspaces/{ws}/members', { params: { path: { ws }, query: { status: everyone ? undefined : 'active', limit: 100, cursor } } }));
      all.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return all;
  }, [ws, everyone]);
}

export const nameOf = (members: Member[] | undefined, userId: string) => {
  const m = members?.find((x) => x.userId === userId);
  return m ? `${m.fullName} (${m.email})` : userId;
};

export function MemberPicker({ id, label, members, selected, onChange, exclude = [] }: {
  id: string; label: string; members: Member[]; selected: string[]; onChange: (ids: string[]) => void; exclude?: string[];
}) {
  const [search, setSearch] = useState('');
  const q = search.trim().toLowerCase();
  const shown = members.filter((m) => !exclude.includes(m.userId) && (!q || m.email.toLowerCase().includes(q) || m.fullName.toLowerCase().includes(q)));
  const toggle = (userId: string, on: boolean) => onChange(on ? [...selected, userId] : selected.filter((s) => s !== userId));
  return (
    <fieldset>
      <legend>{label}</legend>
      <label for={`${id}-search`}>Search by name or email</label>
      <input id={`${id}-search`} type="search" value={search} autocomplete="off" onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
      <p class="muted" aria-live="polite">{selected.length} selected</p>
      <ul class="checks" aria-label={label}>
        {shown.map((m) => (
          <li key={m.userId}>
            <label>
              <input type="checkbox" checked={selected.includes(m.userId)} onChange={(e) => toggle(m.userId, (e.target as HTMLInputElement).checked)} />
              {' '}{m.fullName} <span class="muted">{m.email}</span>
            </label>
          </li>
        ))}
        {shown.length === 0 && <li class="muted">No member matches.</li>}
      </ul>
    </fieldset>
  );
}
