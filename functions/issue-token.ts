import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { grantToken } from '../shared/domain/oauth.js';

export const handler = httpHandler('issueToken', async ({ body }) =>
  ok(await grantToken(body), { 'cache-control': 'no-store', pragma: 'no-cache' }));
