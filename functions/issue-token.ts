import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { assertNoRepeatedParameters, challengingBasicClients, readClientCredentials } from '../shared/http/oauth-client.js';
import { grantToken } from '../shared/domain/oauth.js';

export const handler = httpHandler('issueToken', async ({ body, headers, rawBody, isForm, source }) => {
  if (isForm) assertNoRepeatedParameters(rawBody);
  const client = readClientCredentials(headers.authorization, body);
  const session = await challengingBasicClients(client, () => grantToken(body, client, source));
  return ok(session, { 'cache-control': 'no-store', pragma: 'no-cache' });
});
