import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { updateAppUser } from '../shared/domain/app-users.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('updateAppUser', async ({ access, params, body }) =>
  ok(await updateAppUser(workspaceIdOf(access), access, params.clientId!, body)));
