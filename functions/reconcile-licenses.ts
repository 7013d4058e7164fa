import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { reconcileWorkspace } from '../shared/domain/licenses.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('reconcileLicenses', async ({ access }) =>
  ok(await reconcileWorkspace(workspaceIdOf(access), access.actor)));
