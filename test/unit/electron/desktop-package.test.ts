/**
 * What the package gives the desktop (electron-builder.yml): a desktop entry whose MimeType
 * is the snapshot association's, an association that claims only numascope's own file names,
 * an icon, and the agent's pieces (the launcher the polkit action names, the policy, installed
 * where polkit reads it by the .deb), each option checked against electron-builder's schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/target.js';

interface Association {
  ext: string;
  mimeType: string;
}
interface BuilderConfig {
  productName: string;
  fileAssociations: Association[];
  extraResources: { from: string; to: string }[];
  asarUnpack: string[];
  linux: { icon: string; desktop: { entry: Record<string, string> } };
  deb: { fpm: string[]; depends: string[] };
}
interface Schema {
  properties: Record<string, unknown>;
  definitions: Record<string, { properties: Record<string, unknown> }>;
}

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const schema = JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as Schema;
const policyPath = join(repoRoot, 'packaging', 'polkit', 'dev.numascope.agent.policy');
const policy = readFileSync(policyPath, 'utf8');

test("the options used are ones electron-builder's schema knows", () => {
  for (const key of ['fileAssociations', 'extraResources', 'asarUnpack']) assert.ok(key in schema.properties, key);
  assert.ok('desktop' in (schema.definitions.LinuxConfiguration?.properties ?? {}));
  assert.ok('entry' in (schema.definitions.LinuxDesktopFile?.properties ?? {}));
  assert.ok('fpm' in (schema.definitions.DebOptions?.properties ?? {}));
  for (const key of Object.keys(config.fileAssociations[0] ?? {})) assert.ok(key in (schema.definitions.FileAssociation?.properties ?? {}), key);
});

test('the desktop entry opens snapshots and timelines of their own MIME types; the associations claim only *.numascope.json and *.timeline', () => {
  const [snapshot, timeline] = config.fileAssociations;
  assert.ok(snapshot && timeline);
  assert.equal(snapshot.mimeType, 'application/x-numascope-snapshot');
  assert.equal(snapshot.ext, 'numascope.json', 'associating every .json file would take JSON away from the editor');
  assert.equal(timeline.mimeType, 'application/x-numascope-timeline');
  assert.equal(timeline.ext, 'timeline');
  const entry = config.linux.desktop.entry;
  assert.deepEqual(entry.MimeType?.split(';').filter(Boolean), [snapshot.mimeType, timeline.mimeType]);
  assert.equal(entry.Terminal, 'false');
  assert.equal(entry.Exec, undefined, "electron-builder's Exec carries %U, which passes the file");
});

test('the icon is a 512x512 PNG beside its SVG source', () => {
  const png = readFileSync(join(repoRoot, config.linux.icon));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [512, 512]);
  assert.ok(existsSync(join(repoRoot, 'build', 'icon.svg')));
});

test('the polkit policy: one action, an administrator once in a while, for exactly the shipped launcher', () => {
  assert.match(policy, /<action id="dev\.numascope\.agent">/);
  assert.equal(policy.match(/<action /g)?.length, 1);
  assert.match(policy, /<allow_active>auth_admin_keep<\/allow_active>/);
  assert.match(policy, /<allow_any>auth_admin<\/allow_any>/);
  assert.doesNotMatch(policy, /<allow_\w+>yes</, 'no one may start the agent without authenticating');
  const execPath = /key="org\.freedesktop\.policykit\.exec\.path">([^<]+)</.exec(policy)?.[1];
  // The .deb installs the app in /opt/<productName>; extraResources land in its resources/.
  const launcher = config.extraResources.find((resource) => resource.from === 'packaging/numascope-agent');
  assert.ok(launcher);
  assert.equal(execPath, `/opt/${config.productName}/resources/${launcher.to}`);
});

test('the policy ships: in resources/, and installed by the .deb where polkit reads actions', () => {
  assert.ok(config.extraResources.some((resource) => resource.from === 'packaging/polkit/dev.numascope.agent.policy'));
  assert.ok(config.deb.fpm.includes('packaging/polkit/dev.numascope.agent.policy=/usr/share/polkit-1/actions/dev.numascope.agent.policy'));
  assert.ok(config.deb.depends.some((dep) => /^nodejs\b/.test(dep)), 'the agent runs on the system Node');
  assert.ok(config.deb.depends.some((dep) => /pkexec/.test(dep)));
});

test('the launcher is executable and runs the bundled CLI that asarUnpack puts beside app.asar', () => {
  const launcher = join(repoRoot, 'packaging', 'numascope-agent');
  assert.ok((statSync(launcher).mode & 0o111) !== 0, 'not executable');
  const target = /"\$here\/app\.asar\.unpacked\/([^"]+)" agent/.exec(readFileSync(launcher, 'utf8'))?.[1];
  assert.equal(target, 'dist/app/main/cli/numascope-bundle.mjs');
  assert.ok(config.asarUnpack.includes(target));
  assert.ok(existsSync(join(repoRoot, target)), `${target} is not built`);
});
