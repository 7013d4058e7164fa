import { httpHandler } from '../shared/http/handler.js';
import { clearedSessionCookie, SESSION_COOKIE } from '../shared/http/cookies.js';
import { endConsoleSession } from '../shared/domain/console-sessions.js';

export const handler = httpHandler('endConsoleSession', async ({ cookies }) => {
  await endConsoleSession(cookies[SESSION_COOKIE]);
  return { statusCode: 204, cookies: [clearedSessionCookie()] };
});
