import { httpHandler } from '../shared/http/handler.js';
import { noContent } from '../shared/http/responses.js';
import { uninstallApp } from '../shared/domain/apps.js';
import { workspaceIdOf } from '../shared/http/principal.js';

export const handler = httpHandler('uninstallApp', async ({ access, params }) => {
  await uninstallApp(workspaceIdOf(access), access, params.appId!);
  return noContent();
});
