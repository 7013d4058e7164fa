/** `cdk synth` / `cdk deploy` entry (cdk.json: `node --import tsx infra/app.ts`). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { writeSite } from '../console/build.js';
import { readStackConfig } from './config.js';
import { ConsoleStack } from './console-stack.js';
import { RosterStack } from './stack.js';

const app = new App();
const name = app.node.tryGetContext('stackName') ?? 'Roster';
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
const roster = new RosterStack(app, name, readStackConfig(app), {
  env,
  description: 'Roster: workspace membership & access service',
});
const siteDir = mkdtempSync(join(tmpdir(), 'roster-site-'));
await writeSite(siteDir);
new ConsoleStack(app, `${name}Console`, { env, api: roster.api, siteDir, description: 'Roster: the Console and the API on one CloudFront origin' });
// Unacknowledged AwsSolutions findings fail the synth, not just the tests.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
