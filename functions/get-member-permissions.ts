import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { memberPermissions } from '../shared/domain/roles.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('getMemberPermissions', async ({ access, params }) =>
  ok(await memberPermissions(workspaceIdOf(access), params.userId!)));
