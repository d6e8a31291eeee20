#!/usr/bin/env node
// `npm start` (after `npm run build`): the Electron window when it can run here, otherwise
// serve mode (the same UI in a browser), with one line on stderr saying why.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);

if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: npm start -- [--serve] [--pid PID] [--port N] [--host ADDR] [--interval MS]

Opens numascope in its Electron window. When the window cannot be shown (no Electron
binary, no display, or running as root, where Chromium's sandbox refuses to start) or
with --serve, starts \`numascope serve\` instead and prints the URL to open in a browser.

  --serve         serve mode even if Electron could run
  --pid PID       open this process directly
  --port, --host, --interval
                  serve mode only; see \`numascope serve --help\``);
  process.exit(0);
}

/** Why the Electron window cannot be used here, or null when it can. */
function electronUnavailable() {
  if (args.includes('--serve')) return '--serve given';
  let electronDir;
  try {
    electronDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return 'Electron is not installed (production install): run `npm install`';
  }
  if (!existsSync(join(electronDir, 'path.txt'))) return 'Electron binary not installed: run `npm run fetch-electron` with internet access';
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display ($DISPLAY and $WAYLAND_DISPLAY are unset)';
  // Rather than turn the sandbox off (--no-sandbox), use the browser, which keeps its own.
  if (process.getuid?.() === 0) return 'running as root, where Electron would need --no-sandbox';
  return null;
}

function pidArgs() {
  const at = args.findIndex((arg) => arg === '--pid' || arg.startsWith('--pid='));
  if (at < 0) return [];
  const arg = args[at];
  return arg === '--pid' ? ['--pid', args[at + 1] ?? ''] : [arg];
}

if (!existsSync(join(root, 'dist', 'app', 'main', 'cli', 'main.js'))) {
  console.error('numascope: not built: run `npm run build` first');
  process.exit(1);
}

const reason = electronUnavailable();
if (reason === null) {
  const electron = createRequire(import.meta.url)('electron');
  // The window starts its agent (pkexec node bin/numascope.js agent) with this Node.
  const child = spawn(electron, [root, ...pidArgs()], { stdio: 'inherit', env: { ...process.env, NUMASCOPE_NODE: process.execPath } });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.error(`numascope: starting serve mode instead of the window (${reason})`);
  // In this process, so Ctrl-C and SIGTERM reach the server directly and stop it cleanly.
  const { main } = await import(pathToFileURL(join(root, 'dist', 'app', 'main', 'cli', 'main.js')).href);
  process.exitCode = await main(['serve', ...args.filter((arg) => arg !== '--serve')]);
}
