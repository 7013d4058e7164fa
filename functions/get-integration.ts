import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { callerOf, getIntegrationFor } from '../shared/domain/integrations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('getIntegration', async ({ access, params }) =>
  ok(await getIntegrationFor(workspaceIdOf(access), callerOf(access), params.integrationId!)));
