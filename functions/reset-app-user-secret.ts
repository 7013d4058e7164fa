import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { resetAppUserSecret } from '../shared/domain/app-users.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('resetAppUserSecret', async ({ access, params, body }) =>
  ok(await resetAppUserSecret(workspaceIdOf(access), access, params.clientId!, body.previousSecretExpiresInSeconds)));
