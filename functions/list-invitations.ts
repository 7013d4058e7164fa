import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { listInvitations } from '../shared/domain/invitations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('listInvitations', async ({ access, query }) =>
  ok(await listInvitations(workspaceIdOf(access), query.limit, query.cursor)));
