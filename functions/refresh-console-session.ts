import { httpHandler } from '../shared/http/handler.js';
import { AppError } from '../shared/errors.js';
import { clearingCookie, consoleSessionResult, SESSION_COOKIE } from '../shared/http/cookies.js';
import { refreshConsoleSession } from '../shared/domain/console-sessions.js';

export const handler = httpHandler('refreshConsoleSession', async ({ cookies }) => {
  try {
    return consoleSessionResult(await refreshConsoleSession(cookies[SESSION_COOKIE]));
  } catch (err) {
    if (err instanceof AppError && err.statusCode === 401) return clearingCookie(err);
    throw err;
  }
});
