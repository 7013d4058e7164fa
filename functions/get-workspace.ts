import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { requireWorkspace, viewWorkspace } from '../shared/domain/workspaces.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('getWorkspace', async ({ access }) =>
  ok(viewWorkspace(await requireWorkspace(workspaceIdOf(access)))));
