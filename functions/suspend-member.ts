import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { suspendMember } from '../shared/domain/members.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('suspendMember', async ({ access, params }) =>
  ok(await suspendMember(access, workspaceIdOf(access), params.userId!)));
