import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { resendInvitation } from '../shared/domain/invitations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('resendInvitation', async ({ access, params }) =>
  ok(await resendInvitation(workspaceIdOf(access), access, params.invitationId!)));
