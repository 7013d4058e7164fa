/**
 * Resend the emails the notifier gave up on (runbook: docs/deploy.md "Failed emails").
 *
 *   npm run redrive -- --table <TableName output> [--dry-run] [--template invitation] [--limit 100]
 *
 * Runs with the operator's AWS credentials (dynamodb:Query on the table's GSI3,
 * GetItem, TransactWriteItems/UpdateItem). It never sends mail itself and never opens
 * a sealed link: each failed message gets a fresh copy in the table, and the stream
 * delivers that to the notifier Lambda, which sends it. Safe to run twice.
 * Local mode: DYNAMODB_ENDPOINT=http://127.0.0.1:8000 npm run redrive -- --table roster
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    template: { type: 'string' },
    limit: { type: 'string' },
  },
});
if (values.table) process.env.TABLE_NAME = values.table;
if (!process.env.TABLE_NAME) {
  console.error('Which table? Pass --table <the stack\'s TableName output> (or set TABLE_NAME).');
  process.exit(2);
}
const limit = values.limit === undefined ? undefined : Number(values.limit);
if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
  console.error('--limit must be a positive integer');
  process.exit(2);
}

// The configuration (table, endpoint) is read when the data layer loads: after the flags are applied.
const { redriveFailedEmails } = await import('../shared/domain/outbox-redrive.js');
const dryRun = values['dry-run'];
const report = await redriveFailedEmails({ dryRun, template: values.template, limit });
for (const m of report.redriven) {
  console.log(`${dryRun ? 'would resend' : 'resent'} ${m.id} (${m.template})${m.newId ? ` as ${m.newId}` : ''}; failed ${m.failedAt ?? '?'}: ${m.lastError ?? ''}`);
}
console.log(`${report.redriven.length} ${dryRun ? 'to resend' : 'resent'}, ${report.skipped} skipped`);
