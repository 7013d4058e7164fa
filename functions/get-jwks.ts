import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { jwks } from '../shared/auth/access-tokens.js';

export const handler = httpHandler('getJwks', async () =>
  ok(await jwks(), { 'cache-control': 'public, max-age=300' }));
