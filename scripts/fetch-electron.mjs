#!/usr/bin/env node
// npm install runs this after the dependencies are in place. The electron package
// downloads its binary (older majors at install, newer ones on first use); on machines
// that cannot reach the download host the project installs with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1 and this script tries once, at install time
// (honouring the usual mirror settings), without failing the install: every
// part of numascope except the Electron window works without the binary, and
// `npm start` falls back to serve mode.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

if (process.argv.includes('--help')) {
  console.log('usage: node scripts/fetch-electron.mjs\n  downloads the Electron binary if it is missing; never fails the install');
  process.exit(0);
}
const require = createRequire(import.meta.url);
let electronDir;
try {
  electronDir = dirname(require.resolve('electron/package.json'));
} catch {
  process.exit(0); // production install without devDependencies
}
if (existsSync(join(electronDir, 'path.txt'))) process.exit(0);

const env = { ...process.env };
delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], { env, encoding: 'utf8', timeout: 300_000 });
if (result.status === 0 && existsSync(join(electronDir, 'path.txt'))) {
  console.log('numascope: Electron binary installed');
} else {
  const reason = `${result.stderr ?? ''}`.split('\n').find((line) => /Error|ENOTFOUND|EAI_AGAIN|ECONN/.test(line))?.trim() ?? 'download failed';
  console.log(`numascope: Electron binary not available (${reason}); the CLI and serve mode work without it. Retry later with: npm run fetch-electron`);
}
