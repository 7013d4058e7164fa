import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { inviteMembers } from '../shared/domain/invitations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('inviteMembers', async ({ access, body }) =>
  ok(await inviteMembers(workspaceIdOf(access), access, body)));
