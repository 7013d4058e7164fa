import { httpHandler } from '../shared/http/handler.js';
import { html, page } from '../shared/http/responses.js';
import { escapeHtml } from '../shared/html.js';

/** A page with a button: GET never consumes the link, so mail scanners that pre-fetch it do no harm. */
export const handler = httpHandler('showEmailLink', async ({ params }) =>
  html(page('Sign in', `<h1>Sign in to Roster</h1>
<p class="muted">Press the button to finish signing in. The link works once.</p>
<form method="post" action="/auth/email-link/${escapeHtml(encodeURIComponent(params.token!))}">
<button type="submit">Sign in</button></form>`)));
