import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { unsuspendMember } from '../shared/domain/members.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('unsuspendMember', async ({ access, params }) =>
  ok(await unsuspendMember(access, workspaceIdOf(access), params.userId!)));
