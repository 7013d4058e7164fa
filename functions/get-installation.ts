import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { getInstallationOf } from '../shared/domain/apps.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('getInstallation', async ({ access, params }) =>
  ok(await getInstallationOf(workspaceIdOf(access), params.appId!)));
