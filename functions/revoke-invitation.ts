import { httpHandler } from '../shared/http/handler.js';
import { noContent } from '../shared/http/responses.js';
import { revokeInvitation } from '../shared/domain/invitations.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('revokeInvitation', async ({ access, params }) => {
  await revokeInvitation(workspaceIdOf(access), access.actor, params.invitationId!);
  return noContent();
});
