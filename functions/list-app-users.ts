import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { listAppUsers } from '../shared/domain/app-users.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('listAppUsers', async ({ access, query }) =>
  ok(await listAppUsers(workspaceIdOf(access), query.limit, query.cursor)));
