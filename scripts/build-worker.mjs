#!/usr/bin/env node
// Bundles the sampler's worker thread (app/main/sampler/worker.ts and what it imports) into
// ONE ES module, dist/worker/sampler-worker.mjs, beside koffi as its only outside import.
// Why one file: the packaged app keeps its code in app.asar, but a worker thread's script
// and the native module it loads must be real files (electron-builder.yml unpacks them);
// a single .mjs needs neither the rest of dist/ nor a package.json next to it to run.
// scripts/build.mjs runs this after tsc.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { root, scriptArgs } from './cli.mjs';

scriptArgs('usage: node scripts/build-worker.mjs\n  bundles the sampler worker to dist/worker/sampler-worker.mjs');

const outdir = join(root, 'dist', 'worker');
mkdirSync(outdir, { recursive: true });
const result = await build({
  // The compiled worker (tsc has type-checked it already), so the bundle is what the tests ran.
  entryPoints: [join(root, 'dist', 'app', 'main', 'sampler', 'worker.js')],
  outfile: join(outdir, 'sampler-worker.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // koffi finds its prebuilt native module (@koromix/koffi-<platform>) at run time.
  external: ['koffi'],
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const inputs = Object.keys(result.metafile.inputs).length;
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`build-worker: dist/worker/sampler-worker.mjs (${inputs} modules, ${Math.round(bytes / 1024)} KiB with its map)`);
