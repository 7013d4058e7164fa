import { httpHandler } from '../shared/http/handler.js';
import { created } from '../shared/http/responses.js';
import { createAppUser } from '../shared/domain/app-users.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('createAppUser', async ({ access, body }) =>
  created(await createAppUser(workspaceIdOf(access), access, body)));
