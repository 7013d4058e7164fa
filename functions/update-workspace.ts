import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { updateWorkspace } from '../shared/domain/workspaces.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('updateWorkspace', async ({ access, body }) =>
  ok(await updateWorkspace(workspaceIdOf(access), access, body)));
