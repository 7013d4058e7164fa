import { httpHandler } from '../shared/http/handler.js';
import { AppError } from '../shared/errors.js';
import { html, ok, page, seeOther, wantsHtml } from '../shared/http/responses.js';
import { escapeHtml } from '../shared/html.js';
import { assertPostedFromOurPage, intoConsole } from '../shared/http/cookies.js';
import { acceptInvitation, acceptInvitationInBrowser } from '../shared/domain/invitations.js';

/**
 * JSON for API clients. A browser (our page's form, which has no fields for an existing
 * user and so may post an empty body) goes to the invitation's own redirect URI (303,
 * nothing added), or lands in the Console, signed in, on the workspace it joined: 303
 * with the session cookie, never a token in the page or URL.
 */
export const handler = httpHandler('acceptInvitation', async ({ params, body, headers, isForm }) => {
  if (!isForm && !wantsHtml(headers)) return ok(await acceptInvitation(params.token!, body.fullName));
  try {
    assertPostedFromOurPage(headers);
    const accepted = await acceptInvitationInBrowser(params.token!, body.fullName, { userAgent: headers['user-agent'] });
    if (accepted.kind === 'redirect') return seeOther(accepted.location);
    return intoConsole(accepted.session, `/console/workspaces/${accepted.workspaceId}/members`);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return html(page('Invitation', `<h1>We could not accept this invitation</h1>
<p class="error">${escapeHtml(err.message)}</p>`), err.statusCode);
  }
});
