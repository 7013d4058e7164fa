import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { callerOf, updateIntegration } from '../shared/domain/integrations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('updateIntegration', async ({ access, params, body }) =>
  ok(await updateIntegration(workspaceIdOf(access), callerOf(access), params.integrationId!, body)));
