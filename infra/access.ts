/**
 * What each HTTP function may touch, beyond what every one of them needs (the pepper
 * secret for token hashes and cursors, kms:GetPublicKey to verify access tokens).
 * An operation missing from a list gets the broader default (read/write, no signing),
 * never less. test/infra/stack.test.ts checks TOKEN_SIGNERS against the handlers' code
 * and runs the NO_TABLE handlers under the capacity meter; READ_ONLY was verified by
 * reading each handler down to the data layer — re-check it when a GET handler changes.
 */
import type { Operation } from '../shared/http/routes.js';

/** The only holders of kms:Sign: handlers that hand out access tokens. */
export const TOKEN_SIGNERS: readonly Operation[] = ['consumeEmailLink', 'issueToken', 'acceptInvitation', 'createConsoleSession', 'refreshConsoleSession'];

/** Handlers that never read or write the table (static documents, the public key). */
export const NO_TABLE: readonly Operation[] = [
  'getHealth', 'getOpenapi', 'getJwks', 'getOpenidConfiguration', 'showEmailLink', 'listAccessTypes', 'listCatalogApps',
];

/**
 * GET handlers whose code (auth path included) only reads: grantReadData instead of
 * grantReadWriteData. A GET that records anything (an audit event, a lazy status
 * change) must not be listed here.
 */
export const READ_ONLY: readonly Operation[] = [
  'getMe', 'getWorkspace', 'listAuditEvents', 'listRoles',
  'listMembers', 'exportMembers', 'getMember', 'getMemberPermissions',
  'listInvitations', 'getInvitationByToken',
  'listAppUsers', 'getAppUser', 'listIntegrations', 'getIntegration',
  'listInstallations', 'getInstallation',
];

export type TableAccess = 'none' | 'read' | 'readwrite';

export interface FunctionAccess {
  table: TableAccess;
  signsTokens: boolean;
}

export function accessOf(operation: Operation): FunctionAccess {
  const table: TableAccess = NO_TABLE.includes(operation) ? 'none' : READ_ONLY.includes(operation) ? 'read' : 'readwrite';
  return { table, signsTokens: TOKEN_SIGNERS.includes(operation) };
}
