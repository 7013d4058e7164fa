/** Builders for the audit event and outbox message that ride along with a change. */
import { clock } from '../clock.js';
import { newId } from '../ids.js';
import { putAuditPart, type AuditEvent } from '../data/audit.js';
import { putOutboxPart, type OutboxMessage } from '../data/outbox.js';
import type { TxPart } from '../data/core.js';
import { sealLinkToken } from '../auth/link-seal.js';
import type { LinkTemplateName, TemplateData, TemplateName } from '../email/templates.js';
import type { Actor } from './access.js';

export function auditPart(
  workspaceId: string,
  actor: Actor,
  action: string,
  target: AuditEvent['target'],
  details: Record<string, unknown> = {},
  at = clock.nowIso(),
): TxPart {
  return putAuditPart(workspaceId, { id: newId('evt'), at, actor, action, target, details });
}

/** An email without a link token; its data is the template's (TemplateData). */
export function emailPart<K extends Exclude<TemplateName, LinkTemplateName>>(
  template: K,
  to: string,
  data: TemplateData[K],
  relatedKey?: OutboxMessage['relatedKey'],
  id = newId('out'),
): TxPart {
  return putOutboxPart({ id, template, to, data, createdAt: clock.nowIso(), relatedKey });
}

/** An email that carries a link token: the token is sealed for the notifier, never stored in clear. */
export async function linkEmailPart<K extends LinkTemplateName>(
  template: K,
  to: string,
  token: string,
  data: Omit<TemplateData[K], 'token'>,
  relatedKey?: OutboxMessage['relatedKey'],
  id = newId('out'),
): Promise<TxPart> {
  return putOutboxPart({ id, template, to, data, sealedToken: await sealLinkToken(token), createdAt: clock.nowIso(), relatedKey });
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'roster' };
