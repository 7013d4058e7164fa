import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { listWorkspaceMembers } from '../shared/domain/members.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('listMembers', async ({ access, query }) =>
  ok(await listWorkspaceMembers(workspaceIdOf(access), query)));
