/**
 * `npm start`: the whole service on this machine.
 *   API            http://127.0.0.1:3000   (PORT)
 *   SES emulator   http://127.0.0.1:8005   (SES_PORT)  — mailbox UI at /, JSON at /store
 *   DynamoDB Local http://127.0.0.1:8000   (DYNAMODB_PORT), in memory
 */
import { JAVA_MISSING_HELP, assertJava } from './processes.js';
import { startLocal } from './runtime.js';

const port = Number(process.env.PORT ?? 3000);
const sesPort = Number(process.env.SES_PORT ?? 8005);
const dynamoPort = Number(process.env.DYNAMODB_PORT ?? 8000);

try {
  assertJava();
} catch {
  console.error(`\n${JAVA_MISSING_HELP}\n`);
  process.exit(1);
}

const runtime = await startLocal({
  apiPort: port,
  dynamodb: { port: dynamoPort },
  ses: { port: sesPort },
  tableName: process.env.TABLE_NAME ?? 'roster',
  background: true,
});

console.log(`
Roster is running (local mode).
  API             ${runtime.apiUrl}          e.g. curl ${runtime.apiUrl}/health
  OpenAPI         ${runtime.apiUrl}/openapi.json
  Mailbox (SES)   ${runtime.sesUrl}/         JSON: ${runtime.sesUrl}/store
  DynamoDB Local  ${runtime.dynamodbEndpoint}  table "${runtime.tableName}" (in memory)
  Local only      POST ${runtime.apiUrl}/_local/clock {"advanceSeconds":N} | {"reset":true}
                  POST ${runtime.apiUrl}/_local/jobs/license-reconciliation | outbox-redrive | ttl-sweep
Press Ctrl-C to stop.
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await runtime.stop().catch((err) => console.error(err));
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
