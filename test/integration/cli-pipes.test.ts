/**
 * The `numascope` command writing into real pipes, FIFOs and devices: a reader that goes away,
 * a full device, `-o -`, `-o /dev/stdout`, and `open -` fed by a pipe. Devices are made with
 * mknod in a scratch directory, never the machine's /dev.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, lstatSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSnapshot } from '../../app/common/snapshot/index.js';
import { CLI } from '../helpers/cli.js';
import { Target } from '../helpers/target.js';

const isRoot = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'numascope-pipes-'));
const target = await Target.start(['--anon', '16M', '--nohuge']);
after(async () => {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

const snapshotFile = join(dir, 'saved.json');
execFileSync(process.execPath, [CLI, 'snapshot', `${target.pid}`, '-o', snapshotFile], { stdio: 'ignore' });

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs numascope with its stdout a pipe whose only reader has already gone away. */
function intoClosedPipe(args: string[]): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closing our end before the child has started up means its first write meets no reader.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

test('a reader that goes away ends every command quietly, with the status of a broken pipe', async () => {
  const commands = [['ps'], ['topology', '--json'], ['topology'], ['open', snapshotFile], ['open', '--json', snapshotFile], ['snapshot', `${target.pid}`], ['snapshot', `${target.pid}`, '-o', '-'], ['--help']];
  for (const args of commands) {
    const ended = await intoClosedPipe(args);
    assert.deepEqual(ended, { code: 141, signal: null, stderr: '' }, args.join(' '));
  }
});

test('`head -c 1` on a snapshot far larger than a pipe holds: no trace, broken-pipe status', async () => {
  // Every other page touched: one run per page, several hundred KB of JSON.
  const striped = await Target.start(['--sparse', '256M:2', '--nohuge']);
  try {
    const run = spawnSync('bash', ['-c', `"$0" "$1" snapshot "$2" | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`, process.execPath, CLI, `${striped.pid}`], { encoding: 'utf8' });
    assert.deepEqual({ status: run.stdout.trim(), stderr: run.stderr }, { status: '141', stderr: '' });
  } finally {
    await striped.stop();
  }
});

test('stdout on a full device is one line and exit 1; so is -o onto it, which stays a device', { skip: isRoot ? false : 'mknod needs root' }, () => {
  const full = join(dir, 'full');
  execFileSync('mknod', [full, 'c', '1', '7']);
  const fd = openSync(full, 'w');
  try {
    const toStdout = spawnSync(process.execPath, [CLI, 'snapshot', `${target.pid}`], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    const topology = spawnSync(process.execPath, [CLI, 'topology'], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    const named = spawnSync(process.execPath, [CLI, 'snapshot', `${target.pid}`, '-o', full], { encoding: 'utf8' });
    assert.deepEqual(
      [toStdout.status, toStdout.stderr, topology.status, topology.stderr, named.status, named.stderr, lstatSync(full).isCharacterDevice()],
      [
        1,
        'numascope: cannot write to standard output: no space left on the device\n',
        1,
        'numascope: cannot write to standard output: no space left on the device\n',
        1,
        `numascope snapshot: cannot write snapshot ${full}: no space left on the device\n`,
        true,
      ],
    );
  } finally {
    closeSync(fd);
    rmSync(full);
  }
});

test('-o onto a null device, a FIFO with a reader, /dev/stdout and - all stream, replacing nothing', { skip: isRoot ? false : 'mknod needs root', timeout: 30_000 }, () => {
  const sub = mkdtempSync(join(dir, 'streams-'));
  execFileSync('mknod', [join(sub, 'null'), 'c', '1', '3']);
  execFileSync('mkfifo', [join(sub, 'fifo')]);
  const viaFifo = spawnSync('bash', ['-c', 'wc -c < "$3" & "$0" "$1" snapshot "$2" -o "$3"; wait', process.execPath, CLI, `${target.pid}`, join(sub, 'fifo')], { encoding: 'utf8', timeout: 20_000 });
  const toNull = spawnSync(process.execPath, [CLI, 'snapshot', `${target.pid}`, '-o', join(sub, 'null')], { encoding: 'utf8' });
  const devStdout = spawnSync(process.execPath, [CLI, 'snapshot', `${target.pid}`, '-o', '/dev/stdout'], { encoding: 'utf8' });
  const dash = spawnSync(process.execPath, [CLI, 'snapshot', `${target.pid}`, '-o', '-'], { encoding: 'utf8' });
  assert.equal(viaFifo.status, 0, viaFifo.stderr);
  assert.ok(Number(viaFifo.stdout.trim()) > 1000, viaFifo.stdout);
  assert.equal(toNull.status, 0, toNull.stderr);
  assert.equal(parseSnapshot(devStdout.stdout).process.pid, target.pid);
  assert.equal(parseSnapshot(dash.stdout).process.pid, target.pid);
  assert.equal(dash.stderr, '');
  assert.deepEqual(
    { fifo: lstatSync(join(sub, 'fifo')).isFIFO(), null: lstatSync(join(sub, 'null')).isCharacterDevice(), listing: readdirSync(sub).sort() },
    { fifo: true, null: true, listing: ['fifo', 'null'] },
  );
});

test('-o keeps a mode-600 file 600 and follows a symlink', () => {
  const sub = mkdtempSync(join(dir, 'modes-'));
  const secret = join(sub, 'secret.json');
  writeFileSync(secret, 'old', { mode: 0o600 });
  const run = spawnSync('bash', ['-c', 'ln -s secret.json "$3/link.json" && "$0" "$1" snapshot "$2" -o "$3/link.json"', process.execPath, CLI, `${target.pid}`, sub], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    { mode: statSync(secret).mode & 0o777, link: lstatSync(join(sub, 'link.json')).isSymbolicLink(), pid: parseSnapshot(execFileSync('cat', [secret], { encoding: 'utf8' })).process.pid },
    { mode: 0o600, link: true, pid: target.pid },
  );
});

test('open - and open /dev/stdin read a snapshot from a pipe', () => {
  for (const name of ['-', '/dev/stdin']) {
    const run = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" snapshot "$2" | "$0" "$1" open "$3"', process.execPath, CLI, `${target.pid}`, name], { encoding: 'utf8' });
    assert.equal(run.status, 0, `${name}: ${run.stderr}`);
    assert.match(run.stdout, new RegExp(`^process ${target.pid} \\(target`), name);
  }
});

test('bad outputs are refused before the scan, naming the real cause', () => {
  const cases: [string, string][] = [
    ['/proc/version', '/proc is a kernel file system (proc)'],
    [`${dir}/`, 'a directory is in the way'],
    [`${dir}/nothere/`, 'the name ends in "/"'],
    [`${snapshotFile}/x.json`, `${snapshotFile} is not a directory`],
  ];
  // A pid that no longer exists: had the scan come first, the message would be about the process.
  const dead = spawnSync('true').pid;
  for (const [path, reason] of cases) {
    const run = spawnSync(process.execPath, [CLI, 'snapshot', `${dead}`, '-o', path], { encoding: 'utf8' });
    assert.equal(run.status, 1, path);
    assert.ok(run.stderr.startsWith(`numascope snapshot: cannot write snapshot ${path}: `), run.stderr);
    assert.ok(run.stderr.includes(reason) && run.stderr.split('\n').length === 2, run.stderr);
  }
});
