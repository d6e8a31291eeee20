#!/usr/bin/env node
// Builds everything: TypeScript for Node (tsc -> dist/), then the browser bundles
// (renderer, preload) and the sampler worker's single-file bundle with the scripts that own
// them, when present.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, scriptArgs } from './cli.mjs';

scriptArgs('usage: node scripts/build.mjs\n  compiles TypeScript to dist/ and bundles the renderer and preload');
function run(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')]);
for (const script of ['build-worker.mjs', 'build-cli-bundle.mjs', 'build-renderer.mjs', 'build-preload.mjs']) {
  const path = join(root, 'scripts', script);
  if (existsSync(path)) run([path]);
}
