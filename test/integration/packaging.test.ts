/**
 * Packages the app the way `npm run dist` does (electron-builder, linux "dir" target) and
 * checks what a user would install: the fuses in the binary, what app.asar holds and what
 * is unpacked beside it, and that a scan runs through the worker thread as the packaged app
 * resolves it (its script in app.asar.unpacked, koffi beside it).
 *
 * The Electron binary cannot be downloaded here, so electron-builder is given a stand-in
 * Electron directory (`electronDist`) whose "binary" holds just the fuse wire, in the layout
 * @electron/fuses reads and writes: everything else electron-builder does is the real thing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { SMALL_TARGET_PAGES } from '../../app/main/sampler/in-thread.js';
import { samplerWorkerUrl } from '../../app/main/sampler/worker-location.js';
import { repoRoot, Target } from '../helpers/target.js';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(path: string, options: { isPack: boolean }): string[]; extractAll(archive: string, dest: string): void };
const run = promisify(execFile);

/** @electron/fuses' marker: the fuse wire follows it (version 1, length, then one byte per fuse). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ENABLE = 0x31;
const DISABLE = 0x30;
/** Electron's defaults, in wire order: RunAsNode, CookieEncryption, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocol. */
const DEFAULT_WIRE = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE];

const work = mkdtempSync(join(tmpdir(), 'numascope-package-'));
const resources = join(work, 'out', 'linux-unpacked', 'resources');
let target: Target;

function standInElectron(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const padding = Buffer.alloc(4096, 0x90);
  writeFileSync(join(dir, 'electron'), Buffer.concat([padding, Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length, ...DEFAULT_WIRE]), padding]), { mode: 0o755 });
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'version'), '45.0.0\n');
}

function fuseWire(binary: string): number[] {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
  assert.equal(bytes[at], 1, 'fuse wire version');
  return [...bytes.subarray(at + 2, at + 2 + (bytes[at + 1] as number))];
}

before(async () => {
  standInElectron(join(work, 'electron'));
  await run(
    process.execPath,
    [join(repoRoot, 'node_modules', 'electron-builder', 'cli.js'), '--linux', 'dir', `-c.electronDist=${join(work, 'electron')}`, `-c.directories.output=${join(work, 'out')}`],
    { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
  );
  // Larger than what a one-shot command scans on its own thread, so the snapshot below runs on the worker.
  target = await Target.start(['--anon', `${(2 * SMALL_TARGET_PAGES * 4096) >> 20}M`, '--nohuge']);
});

after(async () => {
  await target?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('the packaged binary has the fuses electron-builder.yml asks for', () => {
  // RunAsNode off, cookie encryption on, NODE_OPTIONS and --inspect off, asar integrity and
  // only-from-asar on, V8 snapshot left alone, file: extra privileges off.
  assert.deepEqual(fuseWire(join(work, 'out', 'linux-unpacked', 'numascope')), [DISABLE, ENABLE, DISABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE]);
});

test('app.asar holds the built app and its production dependencies, not tests, sources or bundled libraries', () => {
  const files = asar.listPackage(join(resources, 'app.asar'), { isPack: false }).map((file) => file.replaceAll('\\', '/'));
  for (const wanted of ['/package.json', '/dist/app/main/electron/main.js', '/dist/renderer/index.html', '/dist/preload/preload.cjs', '/node_modules/koffi/package.json', '/node_modules/valibot/package.json']) {
    assert.ok(files.includes(wanted), `app.asar lacks ${wanted}`);
  }
  const unwanted = files.filter((file) => /^\/(dist\/test|dist\/bench|app|test|native)\//.test(file) || /^\/node_modules\/(react|react-dom|d3[^/]*|electron|esbuild|typescript)\//.test(file));
  assert.deepEqual(unwanted.slice(0, 5), []);
});

test('the worker bundle and koffi with its native module are unpacked beside app.asar', () => {
  const unpacked = join(resources, 'app.asar.unpacked');
  assert.ok(existsSync(join(unpacked, 'dist', 'worker', 'sampler-worker.mjs')));
  assert.ok(existsSync(join(unpacked, 'node_modules', 'koffi', 'package.json')));
  const native = join(unpacked, 'node_modules', '@koromix', `koffi-linux-${process.arch}`);
  assert.ok(existsSync(native), `${native} is missing`);
});

test("the agent's launcher and polkit policy are in resources/, and the launcher runs the unpacked CLI with plain Node", async () => {
  assert.ok(existsSync(join(resources, 'polkit', 'dev.numascope.agent.policy')));
  const launcher = join(resources, 'numascope-agent');
  // The launcher runs `node` as pkexec's PATH finds it; here, the Node running the tests.
  const { stdout } = await run('sh', [launcher, '--help'], { env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}` } });
  assert.match(stdout, /^usage: numascope agent /);
});

test('a scan runs through the worker where the packaged app looks for it', async () => {
  // Electron reads app.asar as a directory; Node does not, so the archive is extracted to a
  // directory of the same name. The app's code then resolves its worker as it would in the
  // package: app.asar/... is turned into app.asar.unpacked/..., which must hold a runnable bundle.
  const packagedModule = pathToFileURL(join(resources, 'app.asar', 'dist', 'app', 'main', 'sampler', 'worker-location.js')).href;
  assert.match(samplerWorkerUrl(packagedModule).pathname, /\/app\.asar\.unpacked\/dist\/worker\/sampler-worker\.mjs$/);

  asar.extractAll(join(resources, 'app.asar'), join(work, 'extracted'));
  rmSync(join(resources, 'app.asar'));
  renameSync(join(work, 'extracted'), join(resources, 'app.asar'));
  const cli = pathToFileURL(join(resources, 'app.asar', 'dist', 'app', 'main', 'cli', 'main.js')).href;
  const script = join(work, 'snapshot.mjs');
  writeFileSync(script, `const { main } = await import(${JSON.stringify(cli)});\nprocess.exitCode = await main(process.argv.slice(2));\n`);
  const { stdout } = await run(process.execPath, [script, 'snapshot', `${target.pid}`], { maxBuffer: 64 * 1024 * 1024 });
  const snapshot = JSON.parse(stdout) as { process: { pid: number }; totals: { byNode: Record<string, number> } };
  assert.equal(snapshot.process.pid, target.pid);
  const resident = Object.values(snapshot.totals.byNode).reduce((sum, pages) => sum + pages, 0);
  assert.ok(resident >= 2 * SMALL_TARGET_PAGES, `the target shows ${resident} resident pages`);
});
