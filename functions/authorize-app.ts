import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { authorizeApp } from '../shared/domain/apps.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('authorizeApp', async ({ access, params }) =>
  ok(await authorizeApp(workspaceIdOf(access), access, params.appId!)));
