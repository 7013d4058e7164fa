import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { accessTypes } from '../shared/domain/app-users.js';

export const handler = httpHandler('listAccessTypes', async () => ok(accessTypes()));
