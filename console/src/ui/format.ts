/** How the Console writes things the API sends as ids and timestamps. */
const BUILT_IN: Record<string, string> = {
  owner: 'Owner', admin: 'Admin', integrator: 'Integrator', contributor_plus: 'Contributor+', contributor: 'Contributor',
  restricted_contributor: 'Restricted contributor', reader: 'Reader',
};
export const roleName = (id: string, custom: { id: string; name: string }[] = []) =>
  BUILT_IN[id] ?? custom.find((r) => r.id === id)?.name ?? id;

export const date = (iso: string | undefined) => (iso ? new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }) : '');

/** Whole days from `now` until `iso`, rounded up (a window ending later today is "1 day"). */
export const daysUntil = (iso: string, now = Date.now()) => Math.max(0, Math.ceil((Date.parse(iso) - now) / 86_400_000));
