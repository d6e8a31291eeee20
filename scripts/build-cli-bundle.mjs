#!/usr/bin/env node
// Bundles the command line (bin/numascope.js and what it imports) into ONE ES module,
// dist/app/main/cli/numascope-bundle.mjs, with koffi as its only outside import. The packaged
// app keeps its code in app.asar, which plain Node cannot read; the agent (`numascope agent`,
// which the window starts as root with pkexec) runs from this file, unpacked beside app.asar
// with koffi and the sampler's worker bundle (packaging/numascope-agent starts it).
// It sits in dist/app/main/cli/ so that the worker's path relative to it is the one
// app/main/sampler/worker-location.ts computes. scripts/build.mjs runs this after tsc.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { root, scriptArgs } from './cli.mjs';

scriptArgs('usage: node scripts/build-cli-bundle.mjs\n  bundles the CLI to dist/app/main/cli/numascope-bundle.mjs');

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** app/main/tool.ts reads package.json beside the tree at run time; the bundle carries the values. */
const toolFromPackage = {
  name: 'tool-from-package',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]dist[\\/]app[\\/]main[\\/]tool\.js$/ }, () => ({
      contents: `export const TOOL = ${JSON.stringify({ name: pkg.name, version: pkg.version })};`,
      loader: 'js',
    }));
  },
};

const outfile = join(root, 'dist', 'app', 'main', 'cli', 'numascope-bundle.mjs');
const result = await build({
  entryPoints: [join(root, 'bin', 'numascope.js')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['koffi'],
  plugins: [toolFromPackage],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const inputs = Object.keys(result.metafile.inputs).length;
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`build-cli-bundle: dist/app/main/cli/numascope-bundle.mjs (${inputs} modules, ${Math.round(bytes / 1024)} KiB)`);
