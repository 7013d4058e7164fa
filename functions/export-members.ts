import { httpHandler } from '../shared/http/handler.js';
import { exportMembersCsv } from '../shared/domain/export.js';
import { workspaceIdOf } from '../shared/http/principal.js';

/** Does the client accept gzip? A coding listed with q=0 is refused (RFC 9110 §12.5.3). */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((entry) => {
    const [coding, ...params] = entry.trim().toLowerCase().split(';').map((s) => s.trim());
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export const handler = httpHandler('exportMembers', async ({ access, headers }) => {
  const workspaceId = workspaceIdOf(access);
  const csv = await exportMembersCsv(workspaceId, { gzip: acceptsGzip(headers['accept-encoding']) });
  return {
    statusCode: 200,
    raw: csv.body,
    contentType: 'text/csv; charset=utf-8',
    headers: {
      'content-disposition': `attachment; filename="members-${workspaceId}.csv"`,
      vary: 'accept-encoding',
      ...(csv.gzipped ? { 'content-encoding': 'gzip' } : {}),
    },
  };
});
