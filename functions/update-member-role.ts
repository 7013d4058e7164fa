import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { changeMemberRole } from '../shared/domain/members.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('updateMemberRole', async ({ access, params, body }) =>
  ok(await changeMemberRole(access, workspaceIdOf(access), params.userId!, body.role)));
