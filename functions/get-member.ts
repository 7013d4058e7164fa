import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { getWorkspaceMember } from '../shared/domain/members.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('getMember', async ({ access, params }) =>
  ok(await getWorkspaceMember(workspaceIdOf(access), params.userId!)));
