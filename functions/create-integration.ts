import { httpHandler } from '../shared/http/handler.js';
import { created } from '../shared/http/responses.js';
import { callerOf, createIntegration } from '../shared/domain/integrations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('createIntegration', async ({ access, body }) =>
  created(await createIntegration(workspaceIdOf(access), callerOf(access), body)));
