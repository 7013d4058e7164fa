import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { assertNoRepeatedParameters, grantToken, readClientCredentials } from '../shared/domain/oauth.js';

export const handler = httpHandler('issueToken', async ({ body, headers, rawBody, isForm, source }) => {
  if (isForm) assertNoRepeatedParameters(rawBody);
  const session = await grantToken(body, readClientCredentials(headers.authorization, body), source);
  return ok(session, { 'cache-control': 'no-store', pragma: 'no-cache' });
});
