/**
 * Runs in each test file's worker before the file is imported: points the
 * service's configuration at the shared DynamoDB Local / SES emulator and gives
 * the file a table of its own, so files run in parallel without sharing data,
 * and starts every test from a known service clock.
 */
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ensureTable } from '../../local/table.js';
import { knownClock } from './clock.js';

process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.SES_ENDPOINT = inject('sesEndpoint');
process.env.LOCAL_DATA_DIR = inject('dataDir');
process.env.TABLE_NAME = `t_${randomBytes(6).toString('hex')}`;
process.env.AWS_REGION = 'us-east-1';
process.env.PUBLIC_URL ??= 'http://127.0.0.1:3000';

await ensureTable(process.env.DYNAMODB_ENDPOINT, process.env.TABLE_NAME);

knownClock();
