/**
 * One DynamoDB Local and one SES emulator for the whole run (each test file gets
 * its own table), plus one key folder so every worker signs with the same key.
 */
import type { TestProject } from 'vitest/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDynamoDbLocal, startSesEmulator } from '../../local/processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    sesEndpoint: string;
    dataDir: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamoPort, sesPort] = [await freePort(), await freePort()];
  const [dynamo, ses] = await Promise.all([startDynamoDbLocal(dynamoPort), startSesEmulator(sesPort)]);
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-test-'));
  project.provide('dynamodbEndpoint', dynamo.url);
  project.provide('sesEndpoint', ses.url);
  project.provide('dataDir', dataDir);
  return async () => {
    await Promise.all([dynamo.stop(), ses.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
