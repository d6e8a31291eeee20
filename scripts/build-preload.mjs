#!/usr/bin/env node
// Type-checks the preload (DOM + electron renderer types; the main tsconfig leaves it out),
// then bundles it with what it imports from app/common into ONE CommonJS file: a sandboxed
// preload can only require('electron'), not other files. scripts/build.mjs runs this.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { root, scriptArgs } from './cli.mjs';

scriptArgs('usage: node scripts/build-preload.mjs\n  type-checks app/preload and bundles it to dist/preload/preload.cjs');

const check = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'app', 'preload', 'tsconfig.json')], {
  stdio: 'inherit',
  cwd: root,
});
if (check.status !== 0) process.exit(check.status ?? 1);

const result = await build({
  entryPoints: [join(root, 'app', 'preload', 'preload.ts')],
  outfile: join(root, 'dist', 'preload', 'preload.cjs'),
  bundle: true,
  format: 'cjs',
  // 'browser': a Node built-in pulled in by mistake fails the build instead of the window.
  platform: 'browser',
  external: ['electron'],
  // Older than the Chromium of every supported Electron major, so the output runs in all of them.
  target: 'chrome130',
  sourcemap: 'external',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});

// The map goes inline (a sandboxed preload has no files to fetch it from), with the text of
// our own sources only: a library's whole single-file distribution (valibot's is ~300 KiB)
// would otherwise ride along in every window for lines the debugger seldom needs.
const code = result.outputFiles.find((file) => file.path.endsWith('.cjs'));
const mapFile = result.outputFiles.find((file) => file.path.endsWith('.cjs.map'));
if (!code || !mapFile) throw new Error('build-preload: esbuild gave no bundle or no source map');
const map = JSON.parse(mapFile.text);
map.sourcesContent = map.sources.map((source, i) => (source.includes('node_modules/') ? null : map.sourcesContent[i]));
const mapComment = `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
const text = code.text.replace(/\/\/# sourceMappingURL=\S+\n?$/, '') + mapComment;
mkdirSync(dirname(code.path), { recursive: true });
writeFileSync(code.path, text);
console.log(`preload: dist/preload/preload.cjs (${Math.round(text.length / 1024)} KiB)`);
