import { clock } from '../clock.js';
import { listAuditEvents } from '../data/audit.js';

export const auditLog = (workspaceId: string, limit: number, cursor: string | undefined) =>
  listAuditEvents(workspaceId, limit, cursor, clock.nowEpochSeconds());
