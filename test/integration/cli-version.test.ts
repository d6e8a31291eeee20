/** `numascope --version` says the version of the package it runs from. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-version-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function version(root: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'numascope.js'), '--version'], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--version prints the name and version from package.json', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const run = version(repoRoot);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `${pkg.name} ${pkg.version}\n`);
});

test('a release with another version says that version', () => {
  // The built tool copied next to a package.json of another version, as a release would be.
  for (const part of ['bin', join('dist', 'app'), join('dist', 'native')]) cpSync(join(repoRoot, part), join(dir, part), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'numascope', version: '9.8.7-rc.1', type: 'module' }));
  const run = version(dir);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'numascope 9.8.7-rc.1\n');
});
