import { httpHandler } from '../shared/http/handler.js';
import { accepted } from '../shared/http/responses.js';
import { requestSignInLink } from '../shared/domain/sign-in.js';

export const handler = httpHandler('requestEmailLink', async ({ body }) => {
  const { email, fullName, ...handoff } = body;
  await requestSignInLink(email, fullName, handoff);
  return accepted({});
});
