import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { userIdOf } from '../shared/http/principal.js';
import { revokeAllSessions } from '../shared/domain/user-sessions.js';

export const handler = httpHandler('revokeAllMySessions', async ({ access }) => ok(await revokeAllSessions(userIdOf(access))));
