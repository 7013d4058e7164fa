import { httpHandler } from '../shared/http/handler.js';
import { created } from '../shared/http/responses.js';
import { createRole } from '../shared/domain/roles.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('createRole', async ({ access, body }) =>
  created(await createRole(workspaceIdOf(access), access, body)));
