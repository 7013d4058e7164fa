import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { transferOwnership } from '../shared/domain/workspaces.js';
import { userIdOf, workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('transferOwnership', async ({ access, body }) =>
  ok(await transferOwnership(workspaceIdOf(access), access.actor, userIdOf(access), body.userId)));
