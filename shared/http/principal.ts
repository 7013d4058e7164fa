import type { Access } from '../domain/access.js';
import { ForbiddenError, NotFoundError } from '../errors.js';

/** The person behind a human-only route (the route table already refused app tokens). */
export function userIdOf(access: Access | undefined): string {
  if (!access || access.principal.type !== 'user') throw new ForbiddenError('Application users cannot use this route.', 'human_only');
  return access.principal.userId;
}

/** The workspace of a workspace route (always present: the route's path has {ws}). */
export function workspaceIdOf(access: Access): string {
  if (!access.workspaceId) throw new NotFoundError('Workspace not found.');
  return access.workspaceId;
}
