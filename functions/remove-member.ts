import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { ValidationError } from '../shared/errors.js';
import { purgeMemberNow, removeMember } from '../shared/domain/members.js';
import { workspaceIdOf } from '../shared/http/principal.js';

/** DELETE removes (or leaves); with ?purge=true it purges an already removed member now. */
export const handler = httpHandler('removeMember', async ({ access, params, body, query }) => {
  const workspaceId = workspaceIdOf(access);
  if (query.purge === 'true') {
    if (body.reassignTo !== undefined) {
      throw new ValidationError('reassignTo applies to removal, not to purging.', { reassignTo: 'not allowed with purge=true' });
    }
    return ok(await purgeMemberNow(access, workspaceId, params.userId!));
  }
  return ok(await removeMember(access, workspaceId, params.userId!, body.reassignTo));
});
