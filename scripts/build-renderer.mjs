#!/usr/bin/env node
// Builds the renderer: type-checks app/renderer (DOM + JSX settings of its own tsconfig),
// then bundles app/renderer/main.tsx with esbuild into one classic script,
// dist/renderer/app.js, beside index.html and styles.css. One file and no inline code,
// because the serve CSP allows only 'self' scripts and no eval; a classic (non-module)
// script also runs from file:// and from Electron's file loading.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, scriptArgs } from './cli.mjs';

const { values } = scriptArgs('usage: node scripts/build-renderer.mjs [--no-check] [--dev]\n  type-checks app/renderer and bundles it into dist/renderer/', {
  options: { 'no-check': { type: 'boolean', default: false }, dev: { type: 'boolean', default: false } },
});
const check = !values['no-check'];
const dev = values.dev;

if (check) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(root, 'app', 'renderer')], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    console.error('build-renderer: type errors in app/renderer');
    process.exit(result.status ?? 1);
  }
}

const { build } = await import('esbuild');
const out = join(root, 'dist', 'renderer');
mkdirSync(out, { recursive: true });
try {
  const result = await build({
    entryPoints: [join(root, 'app', 'renderer', 'main.tsx')],
    outfile: join(out, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    minify: !dev,
    sourcemap: 'linked',
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  copyFileSync(join(root, 'app', 'renderer', 'index.html'), join(out, 'index.html'));
  copyFileSync(join(root, 'app', 'renderer', 'styles.css'), join(out, 'styles.css'));
  console.log(`build-renderer: dist/renderer/ (${Math.round(bytes / 1024)} KiB)`);
} catch (error) {
  console.error(`build-renderer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
