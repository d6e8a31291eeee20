/** The `numascope` command as a user runs it: exit codes, messages, files. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSnapshot } from '../../app/common/snapshot/index.js';
import { Target, repoRoot } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-cli-'));
const target = await Target.start(['--anon', '16M', '--nohuge']);
after(async () => {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function numascope(...args: string[]): Run {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--help works for the tool and every command', () => {
  const top = numascope('--help');
  assert.equal(top.status, 0);
  const names = [...top.stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1] as string);
  assert.ok(names.includes('snapshot') && names.includes('topology') && names.includes('open'), top.stdout);
  for (const name of names) {
    const help = numascope(name, '--help');
    assert.equal(help.status, 0, `${name} --help`);
    assert.match(help.stdout, new RegExp(`^usage: numascope ${name}`));
  }
});

test('bad usage exits 2 with a one-line reason on stderr', () => {
  const cases = [['frobnicate'], ['snapshot'], ['snapshot', 'abc'], ['snapshot', '12', '--bogus'], ['open'], ['topology', 'extra']];
  for (const args of cases) {
    const run = numascope(...args);
    assert.equal(run.status, 2, args.join(' '));
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /^numascope/);
  }
});

test('snapshot to a file, then open it, with no live process needed for the second step', () => {
  const file = join(dir, 'snap.json');
  const written = numascope('snapshot', `${target.pid}`, '-o', file);
  assert.equal(written.status, 0, written.stderr);
  assert.match(written.stderr, /wrote .*snap\.json: \d+ regions/);
  assert.deepEqual(readdirSync(dir), ['snap.json']);
  const opened = numascope('open', file);
  assert.equal(opened.status, 0, opened.stderr);
  assert.match(opened.stdout, new RegExp(`^process ${target.pid} \\(target`));
  assert.match(opened.stdout, /16\.0 MiB +rw-p +4,096 +0 +anonymous/);
});

test('snapshot to stdout is a valid snapshot of the process', () => {
  const run = numascope('snapshot', `${target.pid}`);
  assert.equal(run.status, 0, run.stderr);
  const file = parseSnapshot(run.stdout);
  const region = target.region(0);
  const vma = file.vmas.find((v) => BigInt(v.start) <= region.start && BigInt(v.end) >= region.end);
  assert.ok(vma);
  assert.equal(file.process.pid, target.pid);
  assert.ok((file.totals.byNode['0'] ?? 0) >= 4096);
});

test('failures exit 1 with a one-line reason', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"format": "numascope-snapshot", "version": 1, "takenAt"');
  const dead = spawnSync('true').pid;
  const cases: [string[], RegExp][] = [
    [['snapshot', `${dead}`], new RegExp(`no process with pid ${dead}`)],
    [['open', join(dir, 'missing.json')], /missing\.json.*no such file/i],
    [['open', bad], /bad\.json/],
    [['open', dir], /directory/],
    [['snapshot', `${target.pid}`, '-o', join(dir, 'no', 'such', 'dir.json')], /no such file or directory|does not exist/i],
  ];
  for (const [args, message] of cases) {
    const run = numascope(...args);
    assert.equal(run.status, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, message);
  }
});

test('topology prints the nodes, and JSON with --json', () => {
  const text = numascope('topology');
  assert.equal(text.status, 0);
  assert.match(text.stdout, /^kernel .*page size \d+, \d+ nodes?\nnode +cpus/);
  const json = JSON.parse(numascope('topology', '--json').stdout) as { nodes: { id: number }[] };
  assert.deepEqual(json.nodes.map((n) => n.id), [0]);
});
