import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { getMe } from '../shared/domain/me.js';
import { userIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('getMe', async ({ access }) => ok(await getMe(userIdOf(access))));
