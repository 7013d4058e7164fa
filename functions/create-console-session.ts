import { httpHandler } from '../shared/http/handler.js';
import { consoleSessionResult } from '../shared/http/cookies.js';
import { startConsoleSession } from '../shared/domain/console-sessions.js';

export const handler = httpHandler('createConsoleSession', async ({ body }) =>
  consoleSessionResult(await startConsoleSession(body.code, body.codeVerifier)));
