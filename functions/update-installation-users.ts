import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { updateInstallationUsers } from '../shared/domain/apps.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('updateInstallationUsers', async ({ access, params, body }) =>
  ok(await updateInstallationUsers(workspaceIdOf(access), access, params.appId!, body)));
