import { httpHandler } from '../shared/http/handler.js';
import { AppError } from '../shared/errors.js';
import { html, ok, page, seeOther, wantsHtml } from '../shared/http/responses.js';
import { escapeHtml } from '../shared/html.js';
import { assertPostedFromOurPage, intoConsole } from '../shared/http/cookies.js';
import { signInWithLink } from '../shared/domain/sign-in.js';

/**
 * A link with a hand-off answers 303 to the product that asked (code + state). Without
 * one, a browser (the page's form) lands in the Console signed in (303 + the session
 * cookie); an API client gets the session as JSON.
 */
export const handler = httpHandler('consumeEmailLink', async ({ params, headers, isForm }) => {
  const userAgent = headers['user-agent'];
  if (!isForm && !wantsHtml(headers)) {
    const outcome = await signInWithLink(params.token!, { userAgent });
    return outcome.kind === 'handoff' ? seeOther(outcome.location) : ok(outcome.session);
  }
  try {
    assertPostedFromOurPage(headers);
    const outcome = await signInWithLink(params.token!, { userAgent });
    return outcome.kind === 'handoff' ? seeOther(outcome.location) : intoConsole(outcome.session);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return html(page('Sign in', `<h1>We could not sign you in</h1>
<p class="error">${escapeHtml(err.message)}</p>
<p><a href="/console/">Ask for a new link</a></p>`), err.statusCode);
  }
});
