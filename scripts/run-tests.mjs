#!/usr/bin/env node
// Runs the compiled test suites with node's test runner and ends with the plain
// "N passed, N failed" line CI reads. Suites: unit, integration (real syscalls on
// this host), and any extra folders named on the command line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, scriptArgs } from './cli.mjs';

const { positionals } = scriptArgs('usage: node scripts/run-tests.mjs [SUITE...]\n  suites are folders under dist/test/ (default: unit integration e2e)', { allowPositionals: true });
const suites = positionals.length > 0 ? positionals : ['unit', 'integration', 'e2e'];

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = suites.flatMap((suite) => testFiles(join(root, 'dist', 'test', suite))).sort();
if (files.length === 0) {
  console.error('no compiled tests found: run `npm run build` first');
  process.exit(1);
}
const tap = join(mkdtempSync(join(tmpdir(), 'numascope-tests-')), 'results.tap');
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { stdio: 'inherit', cwd: root },
);
const report = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(report)?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const skipped = count('skipped');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(result.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
