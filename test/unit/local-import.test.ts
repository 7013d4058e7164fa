/**
 * Local mode's modules load no configuration at import: local/runtime.ts sets the
 * environment (PUBLIC_URL from the port it got, the table, the endpoints) and only then
 * are handler modules imported. Had the server read shared/config.ts on import, it would
 * freeze PUBLIC_URL before the port is known, and tokens would fail with "issuer does
 * not match". Proven in a fresh process whose environment makes shared/config.ts throw.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

/** An environment in which reading the configuration fails at once. */
const poisoned = { ACCESS_TOKEN_TTL_SECONDS: 'not-a-number' };

function importIn(modules: string[]): { status: number | null; output: string } {
  const { PATH, HOME } = process.env;
  const code = `${modules.map((m) => `await import('${m}');`).join(' ')} console.log('imported');`;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    env: { PATH, HOME, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...poisoned },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: out.status, output: out.stdout + out.stderr };
}

describe('local mode at import', () => {
  it('control: in that environment, reading the configuration throws', () => {
    const r = importIn(['./shared/config.ts']);
    expect(r.output).toContain('ACCESS_TOKEN_TTL_SECONDS must be a non-negative integer');
    expect(r.output).not.toContain('imported');
  });

  it('the server, the runtime and the in-process invoker import without reading it', () => {
    const r = importIn(['./local/server.ts', './local/runtime.ts', './local/invoke.ts', './local/streams.ts']);
    expect(r.output).toContain('imported');
    expect(r.status).toBe(0);
  });
});
