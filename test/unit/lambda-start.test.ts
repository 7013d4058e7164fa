/**
 * In Lambda, configuration is read at module load and a missing value fails the cold
 * start with a message naming it. For the signing key and the pepper this matters most:
 * the local fallback would be a per-container key in /tmp, signing tokens that no other
 * container accepts. Each case starts a real handler module in a fresh Node process.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { App } from 'aws-cdk-lib';
import { configEnvironment, readStackConfig } from '../../infra/config.js';

/** What the stack gives every function (resource references replaced by plausible values). */
const lambdaEnvironment = {
  ...configEnvironment(readStackConfig(new App({ context: { publicUrl: 'https://members.example.com', senderEmail: 'no-reply@example.com' } }))),
  TABLE_NAME: 'Roster-Table',
  SIGNING_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  PEPPER_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:pepper-AbCdEf',
  OUTBOX_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/5678efgh-56ef-78gh-90ij-5678901234ef',
  AWS_LAMBDA_FUNCTION_NAME: 'Roster-GetMeFn',
  AWS_REGION: 'us-east-1',
};

function coldStart(env: Record<string, string>): { status: number | null; stderr: string } {
  const { PATH, HOME } = process.env;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "await import('./functions/get-me.ts'); console.log('started');"], {
    env: { PATH, HOME, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: out.status, stderr: out.stderr + out.stdout };
}

describe('a Lambda cold start', () => {
  it('starts with everything the stack sets', () => {
    const r = coldStart(lambdaEnvironment);
    expect(r.stderr).toContain('started');
    expect(r.status).toBe(0);
  });

  it.each(['SIGNING_KEY_ID', 'PEPPER_SECRET_ARN', 'OUTBOX_KEY_ID'])('fails fast, naming %s, when it is missing', (name) => {
    const { [name as keyof typeof lambdaEnvironment]: _missing, ...rest } = lambdaEnvironment;
    const r = coldStart(rest);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`Missing required environment variable ${name}`);
    expect(r.stderr).not.toContain('started');
  });
});
