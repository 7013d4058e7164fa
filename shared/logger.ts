/**
 * Structured JSON logs (Powertools). Handlers log operation, status, principal id
 * and duration — never bodies, tokens, secrets or raw paths (links carry tokens).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: 'roster',
  logLevel: (process.env.LOG_LEVEL ?? (process.env.VITEST ? 'SILENT' : 'INFO')) as 'INFO',
});
