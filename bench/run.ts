/**
 * `npm run bench [suite …]`: runs each suite in bench/suites in its own process
 * against one shared DynamoDB Local and SES emulator, printing its tables.
 */
import { readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
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
    // Asynchronous on purpose: the SES emulator runs in this process and must keep answering.
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/suites/${suite}.ts`], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_DYNAMODB_ENDPOINT: dynamo.url, BENCH_SES_ENDPOINT: ses.url },
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) { failed++; console.error(`suite ${suite} failed (exit ${code})`); }
  }
} finally {
  await dynamo.stop();
  await ses.stop();
}
process.exit(failed ? 1 : 0);
