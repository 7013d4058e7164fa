import { httpHandler } from '../shared/http/handler.js';
import { escapeHtml, html, ok, page, wantsHtml } from '../shared/http/responses.js';
import { signInWithLink } from '../shared/domain/sign-in.js';

export const handler = httpHandler('consumeEmailLink', async ({ params, headers, isForm }) => {
  const { user, session } = await signInWithLink(params.token!);
  if (isForm || wantsHtml(headers)) {
    return html(page('Signed in', `<h1>You are signed in</h1>
<p>Welcome, ${escapeHtml(user.fullName)}. You can close this page and return to the application.</p>`));
  }
  return ok(session);
});
