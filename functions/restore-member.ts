import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { restoreMember } from '../shared/domain/members.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('restoreMember', async ({ access, params }) =>
  ok(await restoreMember(access, workspaceIdOf(access), params.userId!)));
