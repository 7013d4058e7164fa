import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { listInstallationUsers } from '../shared/domain/apps.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('listInstallationUsers', async ({ access, params, query }) =>
  ok(await listInstallationUsers(workspaceIdOf(access), params.appId!, query)));
