/**
 * The packaging config (electron-builder.yml): the Electron fuses the packaged binary gets,
 * checked against electron-builder's own schema so a misspelt fuse cannot pass unnoticed,
 * and the Electron it packages being the one installed and tested.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/target.js';

interface BuilderConfig {
  electronVersion?: unknown;
  electronFuses?: unknown;
  asar?: unknown;
}

interface BuilderSchema {
  definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
  properties: Record<string, unknown>;
}

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const schema = JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as BuilderSchema;
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const installedElectron = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;

test('the packaged binary gets the hardening fuses', () => {
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
  // onlyLoadAppFromAsar and the integrity check need the app in an asar archive.
  assert.equal(config.asar, true);
});

test("every fuse is one electron-builder's schema knows, so none is silently ignored", () => {
  assert.ok('electronFuses' in schema.properties, 'this electron-builder has no electronFuses option');
  const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
  for (const fuse of Object.keys(config.electronFuses as object)) assert.ok(known.includes(fuse), `${fuse} is not a fuse electron-builder knows (${known.join(', ')})`);
});

test('the Electron packaged is the one installed and tested, on a supported major', () => {
  assert.equal(config.electronVersion, installedElectron);
  const range = packageJson.devDependencies.electron ?? '';
  assert.equal(/^\^?(\d+)\./.exec(range)?.[1], installedElectron.split('.')[0], `package.json asks for electron ${range}`);
  // 45 was the newest major when 39 left support; never go back below it.
  assert.ok(Number(installedElectron.split('.')[0]) >= 45, `Electron ${installedElectron} is out of support`);
});
