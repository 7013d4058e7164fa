// Runs before `npm start`, `npm test` and `npm run bench`. Dependency-free on
// purpose: on a fresh clone it runs before node_modules exists.
import { existsSync, statSync } from 'node:fs';
import { execSync } from 'node:child_process';

const needsBrowser = process.argv.includes('--browser');

const installed = 'node_modules/.package-lock.json';
const stale = !existsSync(installed) || statSync('package-lock.json').mtimeMs > statSync(installed).mtimeMs;
if (stale) {
  console.log('[roster] installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}

try {
  execSync('java -version', { stdio: 'ignore' });
} catch {
  console.error(`
[roster] Java 17+ is required for DynamoDB Local and was not found on PATH.
  Debian/Ubuntu:    sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless
  macOS (Homebrew): brew install openjdk@17 && export PATH="$(brew --prefix openjdk@17)/bin:$PATH"
Then run the command again.
`);
  process.exit(1);
}

// The browser tests drive Debian's Chromium when it is installed (or CHROMIUM_PATH),
// else the Chromium inside the @sparticuz/chromium npm package: nothing to check here
// unless CHROMIUM_PATH names a file that is missing.
const chromium = process.env.CHROMIUM_PATH;
if (needsBrowser && chromium && chromium !== 'bundled' && !existsSync(chromium)) {
  console.error(`
[roster] CHROMIUM_PATH=${chromium} does not exist. Unset it to use /usr/bin/chromium or the
  Chromium bundled in the @sparticuz/chromium package.
`);
  process.exit(1);
}
