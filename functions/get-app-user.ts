import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { getAppUserView } from '../shared/domain/app-users.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('getAppUser', async ({ access, params }) =>
  ok(await getAppUserView(workspaceIdOf(access), params.clientId!)));
