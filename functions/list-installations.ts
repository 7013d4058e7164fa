import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { listInstallationsOf } from '../shared/domain/apps.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('listInstallations', async ({ access }) =>
  ok(await listInstallationsOf(workspaceIdOf(access))));
