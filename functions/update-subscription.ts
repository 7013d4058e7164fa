import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { setSeatLimit } from '../shared/domain/workspaces.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('updateSubscription', async ({ access, body }) =>
  ok(await setSeatLimit(workspaceIdOf(access), access.actor, body.seats)));
