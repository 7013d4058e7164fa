import { httpHandler } from '../shared/http/handler.js';
import { created } from '../shared/http/responses.js';
import { installApp } from '../shared/domain/apps.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('installApp', async ({ access, params, body }) =>
  created(await installApp(workspaceIdOf(access), access, params.appId!, body)));
