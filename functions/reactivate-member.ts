import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { reactivateMember } from '../shared/domain/members.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('reactivateMember', async ({ access, params }) =>
  ok(await reactivateMember(access, workspaceIdOf(access), params.userId!)));
