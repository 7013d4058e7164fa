import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';

export const handler = httpHandler('getHealth', async () => ok({ ok: true }));
