import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { updateRole } from '../shared/domain/roles.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('updateRole', async ({ access, body, params }) =>
  ok(await updateRole(workspaceIdOf(access), access, params.roleId!, body)));
