import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { reconcileWorkspace } from '../shared/domain/licenses.js';
import { workspaceIdOf } from '../shared/http/principal.js';

/**
 * Kept back from the function's 29 s: a large seat cut stops with this much left, so the
 * caller gets its answer and the admins their email about the deactivations committed;
 * the scheduled job does the rest.
 */
export const RESERVE_MS = 5_000;

export const handler = httpHandler('reconcileLicenses', async ({ access, remainingTimeMs }) =>
  ok(await reconcileWorkspace(workspaceIdOf(access), access.actor, () => remainingTimeMs() < RESERVE_MS)));
