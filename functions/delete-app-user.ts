import { httpHandler } from '../shared/http/handler.js';
import { noContent } from '../shared/http/responses.js';
import { disableAppUser } from '../shared/domain/app-users.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('deleteAppUser', async ({ access, params }) => {
  await disableAppUser(workspaceIdOf(access), access.actor, params.clientId!);
  return noContent();
});
