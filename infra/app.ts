/** `cdk synth` / `cdk deploy` entry (cdk.json: `node --import tsx infra/app.ts`). */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './config.js';
import { RosterStack } from './stack.js';

const app = new App();
new RosterStack(app, app.node.tryGetContext('stackName') ?? 'Roster', readStackConfig(app), {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Roster: workspace membership & access service',
});
// Unacknowledged AwsSolutions findings fail the synth, not just the tests.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
