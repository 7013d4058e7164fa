import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { assertNoRepeatedParameters, challengingBasicClients, readClientCredentials } from '../shared/http/oauth-client.js';
import { revokeToken } from '../shared/domain/oauth.js';

// RFC 7009 §2.2: 200 with an empty body, also for tokens that are unknown or already revoked.
export const handler = httpHandler('revokeToken', async ({ body, headers, rawBody, isForm, source }) => {
  if (isForm) assertNoRepeatedParameters(rawBody);
  const client = readClientCredentials(headers.authorization, body);
  await challengingBasicClients(client, () => revokeToken(body.token, client, source));
  return ok({}, { 'cache-control': 'no-store', pragma: 'no-cache' });
});
