import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { discoveryDocument } from '../shared/auth/discovery.js';

export const handler = httpHandler('getOpenidConfiguration', async () =>
  ok(discoveryDocument(), { 'cache-control': 'public, max-age=300' }));
