/**
 * `npm run bench [suite …]`: runs each suite in bench/suites in its own process
 * against one shared DynamoDB Local and SES emulator, printing its tables.
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { freePort, startDynamoDbLocal, startSesEmulator } from '../local/processes.js';

const wanted = process.argv.slice(2);
const suites = readdirSync('bench/suites').filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''))
  .filter((s) => wanted.length === 0 || wanted.includes(s)).sort();

const dynamo = await startDynamoDbLocal(await freePort());
const ses = await startSesEmulator(await freePort());
let failed = 0;
try {
  for (const suite of suites) {
    console.log(`\n# ${suite}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/suites/${suite}.ts`], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_DYNAMODB_ENDPOINT: dynamo.url, BENCH_SES_ENDPOINT: ses.url },
    });
    if (r.status !== 0) { failed++; console.error(`suite ${suite} failed (exit ${r.status})`); }
  }
} finally {
  await dynamo.stop();
  await ses.stop();
}
process.exit(failed ? 1 : 0);
