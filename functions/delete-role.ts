import { httpHandler } from '../shared/http/handler.js';
import { noContent } from '../shared/http/responses.js';
import { deleteRole } from '../shared/domain/roles.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('deleteRole', async ({ access, params }) => {
  await deleteRole(workspaceIdOf(access), access.actor, params.roleId!);
  return noContent();
});
