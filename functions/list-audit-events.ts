import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { auditLog } from '../shared/domain/audit.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('listAuditEvents', async ({ access, query }) =>
  ok(await auditLog(workspaceIdOf(access), query.limit, query.cursor)));
