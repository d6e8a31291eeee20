/**
 * The CLI loads a command only when it runs: `numascope --help` and the light commands start
 * without koffi, the sampler, the migrator or the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from '../../app/main/cli/commands/index.js';
import { repoRoot } from '../helpers/target.js';

const HEAVY = [/\/node_modules\/koffi\//, /\/app\/main\/sampler\//, /\/app\/main\/migrator\//, /\/app\/main\/serve\//, /\/native\//];

function loadedBy(args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'numascope-imports-'));
  const log = join(dir, 'imports.txt');
  try {
    const run = spawnSync(process.execPath, ['--import', join(repoRoot, 'dist', 'test', 'helpers', 'import-log.js'), join(repoRoot, 'bin', 'numascope.js'), ...args], {
      env: { ...process.env, NUMASCOPE_IMPORT_LOG: log },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every listed command loads, under its own name', async () => {
  for (const entry of commands) assert.equal((await entry.load()).name, entry.name);
});

function assertLight(urls: string[]): void {
  assert.ok(urls.some((url) => url.includes('/app/main/cli/main.js')), 'the log saw the CLI load');
  assert.deepEqual(urls.filter((url) => HEAVY.some((pattern) => pattern.test(url))), []);
}

for (const args of [['--help'], ['topology'], ['ps'], ['ps', '--nodes'], ['metrics'], ['open', '--help']]) {
  test(`numascope ${args.join(' ')} loads nothing heavy`, () => assertLight(loadedBy(args)));
}

test('numascope open FILE loads nothing heavy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'numascope-open-'));
  try {
    const file = join(dir, 'self.json');
    const made = spawnSync(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), 'snapshot', String(process.pid), '-o', file], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    assertLight(loadedBy(['open', file]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
