import { httpHandler } from '../shared/http/handler.js';
import { html, ok, page, seeOther, wantsHtml } from '../shared/http/responses.js';
import { escapeHtml } from '../shared/html.js';
import { signInWithLink } from '../shared/domain/sign-in.js';

/** A link with a hand-off answers 303 to the product that asked (code + state); any other, a session. */
export const handler = httpHandler('consumeEmailLink', async ({ params, headers, isForm }) => {
  const outcome = await signInWithLink(params.token!, { userAgent: headers['user-agent'] });
  if (outcome.kind === 'handoff') return seeOther(outcome.location);
  if (isForm || wantsHtml(headers)) {
    return html(page('Signed in', `<h1>You are signed in</h1>
<p>Welcome, ${escapeHtml(outcome.user.fullName)}. You can close this page and return to the application.</p>`));
  }
  return ok(outcome.session);
});
