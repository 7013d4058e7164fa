import { httpHandler } from '../shared/http/handler.js';
import { noContent } from '../shared/http/responses.js';
import { userIdOf } from '../shared/http/principal.js';
import { revokeSession } from '../shared/domain/user-sessions.js';

export const handler = httpHandler('revokeMySession', async ({ access, params }) => {
  await revokeSession(userIdOf(access), params.sessionId!);
  return noContent();
});
