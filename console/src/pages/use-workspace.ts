/** What a workspace page needs to know: the workspace, its roles, and what the caller may do (the API's answer). */
import { api, must, type Schemas } from '../api/client';
import { useLoad } from '../ui/async';

export type Permission = Schemas['Role']['permissions'][number];

export function useWorkspace(ws: string, me: Schemas['Me']) {
  return useLoad(async () => {
    const path = { ws };
    const [workspace, roles, mine] = await Promise.all([
      must(api.GET('/workspaces/{ws}', { params: { path } })),
      must(api.GET('/workspaces/{ws}/roles', { params: { path } })),
      must(api.GET('/workspaces/{ws}/members/{userId}/permissions', { params: { path: { ws, userId: me.user.id } } })),
    ]);
    const can = (p: Permission) => mine.permissions.includes(p);
    return { workspace, roles: roles.items, can };
  }, [ws, me.user.id]);
}
