import { httpHandler } from '../shared/http/handler.js';
import { accepted } from '../shared/http/responses.js';
import { requestSignInLink } from '../shared/domain/sign-in.js';

export const handler = httpHandler('requestEmailLink', async ({ body }) => {
  await requestSignInLink(body.email, body.fullName);
  return accepted({});
});
