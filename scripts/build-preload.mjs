#!/usr/bin/env node
// Type-checks the preload (DOM + electron renderer types; the main tsconfig leaves it out),
// then bundles it with what it imports from app/common into ONE CommonJS file: a sandboxed
// preload can only require('electron'), not other files. scripts/build.mjs runs this.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { root, scriptArgs } from './cli.mjs';

scriptArgs('usage: node scripts/build-preload.mjs\n  type-checks app/preload and bundles it to dist/preload/preload.cjs');

const check = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'app', 'preload', 'tsconfig.json')], {
  stdio: 'inherit',
  cwd: root,
});
if (check.status !== 0) process.exit(check.status ?? 1);

await build({
  entryPoints: [join(root, 'app', 'preload', 'preload.ts')],
  outfile: join(root, 'dist', 'preload', 'preload.cjs'),
  bundle: true,
  format: 'cjs',
  // 'browser': a Node built-in pulled in by mistake fails the build instead of the window.
  platform: 'browser',
  external: ['electron'],
  // Older than the Chromium of every supported Electron major, so the output runs in all of them.
  target: 'chrome130',
  sourcemap: 'inline',
  legalComments: 'none',
  logLevel: 'warning',
});
console.log('preload: dist/preload/preload.cjs');
