import { httpHandler } from '../shared/http/handler.js';
import { AppError } from '../shared/errors.js';
import { html, ok, page, wantsHtml } from '../shared/http/responses.js';
import { escapeHtml } from '../shared/html.js';
import { describeInvitation } from '../shared/domain/invitations.js';

/**
 * The link's landing page. GET never accepts (mail scanners pre-fetch links): the page
 * holds a form whose button POSTs to the accept route. Browsers get HTML, also for a
 * dead or expired link (with the same status code); everyone else gets JSON.
 */
export const handler = httpHandler('getInvitationByToken', async ({ params, headers }) => {
  const token = params.token!;
  if (!wantsHtml(headers)) return ok((await describeInvitation(token)).details);
  try {
    const { details, roleName } = await describeInvitation(token);
    const nameField = details.needsFullName
      ? `<label for="fullName">Your full name</label>
<input id="fullName" name="fullName" autocomplete="name" required maxlength="200" pattern=".*\\S.*">`
      : '';
    return html(page(`Join ${details.workspace.name}`, `<h1>Join ${escapeHtml(details.workspace.name)}</h1>
<p>${escapeHtml(details.invitedBy.fullName)} invited you to join this workspace.</p>
<dl><dt>Workspace</dt><dd>${escapeHtml(details.workspace.name)}</dd>
<dt>Invited by</dt><dd>${escapeHtml(details.invitedBy.fullName)}</dd>
<dt>Role</dt><dd>${escapeHtml(roleName)}</dd>
<dt>Email</dt><dd>${escapeHtml(details.email)}</dd>
<dt>Expires</dt><dd>${escapeHtml(details.expiresAt)}</dd></dl>
<form method="post" action="/invitations/${escapeHtml(encodeURIComponent(token))}/accept">
${nameField}
<button type="submit">Accept invitation</button></form>`));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return html(page('Invitation', `<h1>This invitation cannot be used</h1>
<p class="error">${escapeHtml(err.message)}</p>`), err.statusCode);
  }
});
