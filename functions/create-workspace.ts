import { httpHandler } from '../shared/http/handler.js';
import { created } from '../shared/http/responses.js';
import { createWorkspace } from '../shared/domain/workspaces.js';
import { userIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('createWorkspace', async ({ access, body }) =>
  created(await createWorkspace(userIdOf(access), body)));
