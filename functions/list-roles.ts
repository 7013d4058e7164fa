import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { listRoles } from '../shared/domain/roles.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('listRoles', async ({ access }) => ok(await listRoles(workspaceIdOf(access))));
