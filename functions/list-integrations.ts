import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { callerOf, listIntegrations } from '../shared/domain/integrations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('listIntegrations', async ({ access, query }) =>
  ok(await listIntegrations(workspaceIdOf(access), callerOf(access), query.limit, query.cursor)));
