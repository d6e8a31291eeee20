/**
 * npm's install-script policy (package.json "allowScripts"): every dependency that ships an
 * install script is reviewed there, so npm's advisory stays quiet now and nothing changes the
 * day npm starts enforcing the policy. Each script is denied because the project works without
 * it; the last tests check the reasons still hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/target.js';

interface LockPackage {
  hasInstallScript?: boolean;
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean | string> };
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };

/** Names of the locked dependencies with an install script (the root project's own scripts always run). */
function withInstallScripts(): string[] {
  const names = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || !entry.hasInstallScript) continue;
    names.add(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  }
  return [...names].sort();
}

test('every dependency with an install script is reviewed in allowScripts, and no entry is stale', () => {
  const reviewed = Object.keys(pkg.allowScripts ?? {}).sort();
  assert.deepEqual(reviewed, withInstallScripts());
});

test('the install scripts are denied: the project needs none of them', () => {
  for (const [name, allowed] of Object.entries(pkg.allowScripts ?? {})) assert.equal(allowed, false, `${name}'s install script is allowed`);
});

test("koffi's native module comes prebuilt in its platform package, not from its install script", () => {
  const prebuilt = join(repoRoot, 'node_modules', '@koromix', `koffi-${process.platform}-${process.arch}`, `${process.platform}_${process.arch}`, 'koffi.node');
  assert.ok(existsSync(prebuilt), `${prebuilt} is missing`);
});

test("esbuild's binary comes in its platform package, not from its postinstall", () => {
  const binary = join(repoRoot, 'node_modules', '@esbuild', `${process.platform}-${process.arch}`, 'bin', 'esbuild');
  assert.ok(existsSync(binary), `${binary} is missing`);
});
