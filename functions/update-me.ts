import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { renameMe } from '../shared/domain/me.js';
import { userIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('updateMe', async ({ access, body }) => ok(await renameMe(userIdOf(access), body.fullName)));
