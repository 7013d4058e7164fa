/**
 * The stack's configuration comes from CDK context through one typed reader:
 * validated, with defaults, every problem reported at once — and the synth-time
 * code never loads shared/config.ts (which reads the deploying shell's environment).
 */
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { CONTEXT_KEYS, configEnvironment, readStackConfig } from '../../infra/config.js';

const required = { publicUrl: 'https://members.example.com/', senderEmail: 'no-reply@example.com' };
const read = (context: Record<string, unknown>) => readStackConfig(new App({ context }));

describe('readStackConfig', () => {
  it('gives the production defaults for everything but the two required values', () => {
    expect(read(required)).toEqual({
      publicUrl: 'https://members.example.com',
      senderEmail: 'no-reply@example.com',
      senderDomain: undefined,
      openSignUp: true,
      allowedRedirectUris: [],
      alarmEmail: undefined,
      apiRateLimit: 100,
      apiBurstLimit: 200,
      accessTokenTtlSeconds: 900,
      appAccessTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 30 * 24 * 3600,
      signInLinkTtlSeconds: 900,
      signInLinksPerEmailPerHour: 5,
      invitationsPerWorkspacePerDay: 500,
      workspacesPerUserPerDay: 10,
      defaultSeats: 10,
      maxBodyBytes: 262144,
      schedules: { reconciliationSchedule: 'rate(1 hour)', outboxRedriveSchedule: 'rate(15 minutes)' },
    });
  });

  it('accepts `-c key=value` strings and cdk.json JSON alike', () => {
    const fromCli = read({ ...required, openSignUp: 'false', accessTokenTtlSeconds: '600', reconciliationSchedule: 'cron(0 3 * * ? *)' });
    const fromJson = read({ ...required, openSignUp: false, accessTokenTtlSeconds: 600, reconciliationSchedule: 'cron(0 3 * * ? *)' });
    expect(fromCli).toEqual(fromJson);
    expect(fromCli).toMatchObject({ openSignUp: false, accessTokenTtlSeconds: 600, schedules: { reconciliationSchedule: 'cron(0 3 * * ? *)' } });
    expect(configEnvironment(fromCli)).toMatchObject({ OPEN_SIGN_UP: 'false', ACCESS_TOKEN_TTL_SECONDS: '600', PUBLIC_URL: 'https://members.example.com' });
    expect(configEnvironment(fromCli)).not.toHaveProperty('ALLOWED_REDIRECT_URIS');
  });

  it('passes the hand-off allow-list to the functions, as a list or one comma-separated string', () => {
    const uris = ['https://app.example.com/auth/callback', 'http://127.0.0.1:8080/callback'];
    expect(configEnvironment(read({ ...required, allowedRedirectUris: uris })).ALLOWED_REDIRECT_URIS).toBe(uris.join(','));
    expect(configEnvironment(read({ ...required, allowedRedirectUris: uris.join(', ') })).ALLOWED_REDIRECT_URIS).toBe(uris.join(','));
    expect(() => read({ ...required, allowedRedirectUris: 'app.example.com/callback' })).toThrow(/allowedRedirectUris/);
  });

  it('refuses bad values, naming every offending key at once', () => {
    const attempt = () => read({ publicUrl: 'http://insecure.example.com', senderEmail: 'nobody', openSignUp: 'yes', apiRateLimit: '-1', reconciliationSchedule: 'hourly' });
    expect(attempt).toThrow(/Invalid CDK context/);
    const message = (() => { try { attempt(); } catch (e) { return (e as Error).message; } return ''; })();
    for (const key of ['publicUrl', 'senderEmail', 'openSignUp', 'apiRateLimit', 'reconciliationSchedule']) expect(message).toContain(`-c ${key}:`);
    expect(() => read({ ...required, accessTokenTtlSeconds: '15.5' })).toThrow(/accessTokenTtlSeconds/);
    expect(() => read({ ...required })).not.toThrow();
  });

  it('needs only senderEmail: without publicUrl the stack uses the API\'s endpoint (and the functions get no PUBLIC_URL from context)', () => {
    const c = read({ senderEmail: 'no-reply@example.com' });
    expect(c.publicUrl).toBeUndefined();
    expect(configEnvironment(c)).not.toHaveProperty('PUBLIC_URL');
    expect(() => read({ publicUrl: 'https://members.example.com' })).toThrow(/-c senderEmail:/);
  });

  it('every key it reads is documented in docs/deploy.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync('docs/deploy.md', 'utf8');
    for (const key of CONTEXT_KEYS) expect(doc, key).toContain(`\`${key}\``);
  });
});

describe('synth-time code', () => {
  it('never loads shared/config.ts: production values come from context, not the deploying shell', async () => {
    const out = await build({
      entryPoints: ['infra/app.ts'], bundle: true, write: false, metafile: true, packages: 'external',
      platform: 'node', format: 'esm', outdir: '/nonexistent', logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs).toContain('infra/config.ts');
    expect(inputs).not.toContain('shared/config.ts');
  });
});
