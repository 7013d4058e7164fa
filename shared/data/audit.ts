/** Audit events: written in the same transaction as the change they describe; kept 365 days. */
import { declarePartFamily, tableName, queryPage, type Page, type TxPart } from './core.js';
import { toEpochSeconds } from '../clock.js';

const auditPart = declarePartFamily('audit');

export interface AuditEvent {
  id: string;
  at: string;
  actor: { type: 'user' | 'app' | 'system'; id: string };
  action: string;
  target: { type: string; id: string };
  details: Record<string, unknown>;
}

const RETENTION_SECONDS = 365 * 24 * 3600;

export const auditKey = (workspaceId: string, eventId: string) => ({ PK: `AUDIT#${workspaceId}`, SK: `EVT#${eventId}` });

export function putAuditPart(workspaceId: string, event: AuditEvent): TxPart {
  return {
    name: auditPart(event.action),
    item: {
      Put: {
        TableName: tableName(),
        Item: {
          ...auditKey(workspaceId, event.id),
          type: 'audit',
          workspaceId,
          ...event,
          ttl: toEpochSeconds(event.at) + RETENTION_SECONDS,
        },
      },
    },
  };
}

export async function listAuditEvents(workspaceId: string, limit: number, cursor: string | undefined, nowEpoch: number): Promise<Page<AuditEvent>> {
  return queryPage({
    scope: `audit:${workspaceId}`,
    query: {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :evt)',
      FilterExpression: '#ttl > :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':pk': `AUDIT#${workspaceId}`, ':evt': 'EVT#', ':now': nowEpoch },
      ScanIndexForward: false,
    },
    limit,
    cursor,
    select: (items) => items.map((i) => ({
      id: i.id, at: i.at, actor: i.actor, action: i.action, target: i.target, details: i.details ?? {},
    }) as AuditEvent),
  });
}
