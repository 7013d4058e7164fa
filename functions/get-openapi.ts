import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { openApiDocument } from '../shared/http/openapi.js';

export const handler = httpHandler('getOpenapi', async () => ok(openApiDocument()));
