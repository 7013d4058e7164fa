import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { userIdOf } from '../shared/http/principal.js';
import { listSessions } from '../shared/domain/user-sessions.js';

export const handler = httpHandler('listMySessions', async ({ access, query }) => {
  const current = access.principal.type === 'user' ? access.principal.sessionId : undefined;
  return ok(await listSessions(userIdOf(access), current, query.limit, query.cursor));
});
