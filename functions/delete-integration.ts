import { httpHandler } from '../shared/http/handler.js';
import { noContent } from '../shared/http/responses.js';
import { callerOf, deleteIntegration } from '../shared/domain/integrations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('deleteIntegration', async ({ access, params }) => {
  await deleteIntegration(workspaceIdOf(access), callerOf(access), params.integrationId!);
  return noContent();
});
