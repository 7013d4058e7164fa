import { httpHandler } from '../shared/http/handler.js';
import { AppError } from '../shared/errors.js';
import { html, ok, page, wantsHtml } from '../shared/http/responses.js';
import { escapeHtml } from '../shared/html.js';
import { acceptInvitation } from '../shared/domain/invitations.js';

/**
 * JSON for API clients; for a browser (our page's form, which has no fields for an
 * existing user and so may post an empty body) a page in return. The session is never
 * put into HTML: the person signs in to the product as usual.
 */
export const handler = httpHandler('acceptInvitation', async ({ params, body, headers, isForm }) => {
  if (!isForm && !wantsHtml(headers)) return ok(await acceptInvitation(params.token!, body.fullName));
  try {
    const { workspace, member } = await acceptInvitation(params.token!, body.fullName);
    return html(page(`You joined ${workspace.name}`, `<h1>You joined ${escapeHtml(workspace.name)}</h1>
<p>Welcome, ${escapeHtml(member.fullName)}. You can close this page and sign in to the application.</p>`));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return html(page('Invitation', `<h1>We could not accept this invitation</h1>
<p class="error">${escapeHtml(err.message)}</p>`), err.statusCode);
  }
});
