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

// The browser tests drive Debian's Chromium (or any Chromium named by CHROMIUM_PATH).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (needsBrowser && !existsSync(chromium)) {
  console.error(`
[roster] The browser tests need Chromium at ${chromium}, and it is not there.
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium
  Elsewhere:      CHROMIUM_PATH=/path/to/chromium npm test
`);
  process.exit(1);
}
