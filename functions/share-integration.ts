import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { callerOf, shareIntegration } from '../shared/domain/integrations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('shareIntegration', async ({ access, params, body }) =>
  ok(await shareIntegration(workspaceIdOf(access), callerOf(access), params.integrationId!, body)));
