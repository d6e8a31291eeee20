/**
 * The command line's refusals name the real cause, and nothing a process or a file chose to
 * call itself reaches the terminal as an escape sequence.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cli, NOBODY } from '../helpers/cli.js';
import { Target, buildC } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-refusals-'));
const target = await Target.start(['--anon', '1M', '--nohuge']);
after(async () => {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Control characters other than the newline: what the output must never carry raw.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPES = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

function startTime(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

test('a mistyped option names the option, suggests the right one and shows the usage line, for every command', async () => {
  const cases: [string[], string, string | null][] = [
    [['snapshot', '12', '--outptu', 'x'], '--outptu', '--output'],
    [['topology', '--jsn'], '--jsn', '--json'],
    [['open', 'f.json', '--region'], '--region', '--regions'],
    [['ps', '--al'], '--al', '--all'],
    [['move', '12', '--rang', '1-2', '--to', '0'], '--rang', '--range'],
    [['migrate', '12', '--form', '0', '--to', '0'], '--form', '--from'],
    [['serve', '--prot', '8080'], '--prot', '--port'],
    [['move', '12', '--frobnicate'], '--frobnicate', null],
  ];
  const runs = await Promise.all(cases.map(([args]) => cli(args)));
  runs.forEach((run, i) => {
    const [args, typed, meant] = cases[i] as (typeof cases)[number];
    const name = args[0] as string;
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout, '');
    const reason = `numascope ${name}: unknown option ${typed}${meant ? ` (did you mean ${meant}?)` : ''}; usage: numascope ${name}`;
    assert.ok(run.stderr.startsWith(reason), `${run.stderr} should start with ${reason}`);
    assert.equal(run.stderr.split('\n').length, 2, run.stderr);
    assert.doesNotMatch(run.stderr, /'/);
  });
});

test('options missing their value, or given one they do not take, say so in one line', async () => {
  const runs = await Promise.all([cli(['migrate', '12', '--from', '0', '--to']), cli(['topology', '--json=yes']), cli(['move', '12', '--to', '--json'])]);
  assert.deepEqual(
    runs.map((r) => [r.code, r.stderr.replace(/; usage: .*\n$/, '')]),
    [
      [2, 'numascope migrate: --to needs a value'],
      [2, 'numascope topology: --json takes no value'],
      [2, 'numascope move: --to needs a value, but is followed by the option --json'],
    ],
  );
});

test('a negative node says what a node is', async () => {
  const range = `0x${target.region(0).start.toString(16)}-0x${target.region(0).end.toString(16)}`;
  const [move, migrate] = await Promise.all([
    cli(['move', String(target.pid), '--range', range, '--to', '-1']),
    cli(['migrate', String(target.pid), '--from', '0', '--to', '-1']),
  ]);
  assert.deepEqual(
    [move.code, move.stderr],
    [2, 'numascope move: --to "-1" is not a node number: nodes are numbered from 0, as `numascope topology` lists them (see numascope move --help)\n'],
  );
  assert.deepEqual(
    [migrate.code, migrate.stderr],
    [2, 'numascope migrate: --to "-1" is not a node list: nodes are numbered from 0, as `numascope topology` lists them (e.g. 0-1,3) (see numascope migrate --help)\n'],
  );
});

test('a kernel thread is refused in words by every command that takes a pid', async (t) => {
  const stat = readFileSync('/proc/2/stat', 'utf8');
  if (!stat.startsWith('2 (kthreadd)')) return t.skip('pid 2 is not kthreadd here');
  const runs = await Promise.all([
    cli(['snapshot', '2']),
    cli(['move', '2', '--range', '0x1000-0x2000', '--to', '0']),
    cli(['migrate', '2', '--from', '0', '--to', '0']),
    cli(['serve', '--pid', '2', '--port', '0']),
    cli(['move', '2', '--range', '0x1000-0x2000', '--to', '0', '--json']),
  ]);
  assert.deepEqual(
    runs.map((r) => [r.code, r.stderr]),
    ['snapshot', 'move', 'migrate', 'serve', 'move'].map((name) => [1, `numascope ${name}: pid 2 is a kernel thread: it has no user memory\n`]),
  );
  assert.equal(runs[0]?.stdout, '');
  assert.deepEqual(JSON.parse(runs[4]?.stdout ?? ''), { pid: 2, error: { code: 'EINVAL', message: 'pid 2 is a kernel thread: it has no user memory' } });
});

test('a zombie is refused as a zombie', async () => {
  // sh starts a child that exits soon, then becomes sleep, which never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const line = await new Promise<string>((resolve) => createInterface({ input: parent.stdout }).once('line', resolve));
    const zombie = Number(line);
    for (let i = 0; i < 300 && !readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z '); i++) await new Promise((r) => setTimeout(r, 10));
    const run = await cli(['snapshot', String(zombie)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^numascope snapshot: pid ${zombie} \\(\\w+\\) is a zombie: it has exited and has no memory left \\(its parent has not reaped it yet\\)\\n$`));
  } finally {
    parent.kill();
  }
});

test('a refused read names the real cause, not "another user" when the user is the same', async () => {
  const asNobody = await cli(['snapshot', String(target.pid)], NOBODY);
  assert.equal(asNobody.code, 1);
  assert.match(asNobody.stderr, new RegExp(`^numascope snapshot: may not read the memory of pid ${target.pid} \\(target-[0-9a-f]+\\): owned by uid 0; needs root or CAP_SYS_PTRACE\\n$`));
});

test('snapshot 1 as root, where pid 1 cannot be read: the message says CAP_SYS_PTRACE was not enough', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root');
  try {
    readFileSync('/proc/1/maps');
    return t.skip('pid 1 is readable here');
  } catch {
    // The case to test: root, CAP_SYS_PTRACE, and still refused.
  }
  const run = await cli(['snapshot', '1']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^numascope snapshot: may not read the memory of pid 1 \(.*\): denied even with CAP_SYS_PTRACE: a Linux security module forbids it \(.+\)\n$/);
  assert.doesNotMatch(run.stderr, /another user/);
});

test('a --from node that does not exist is refused instead of reported as migrated', async () => {
  const run = await cli(['migrate', String(target.pid), '--from', '7', '--to', '0']);
  assert.deepEqual([run.code, run.stderr], [1, 'numascope migrate: --from: node 7 does not exist on this machine (online nodes: 0)\n']);
});

test('the start time that --expect-start takes is printed by ps, snapshot -o, open, move and migrate', async () => {
  const start = startTime(target.pid);
  const file = join(dir, 'start.json');
  const range = `0x${target.region(0).start.toString(16)}-0x${target.region(0).end.toString(16)}`;
  const [ps, snapshot] = await Promise.all([cli(['ps']), cli(['snapshot', String(target.pid), '-o', file])]);
  const row = ps.stdout.split('\n').find((line) => line.startsWith(`${target.pid} `));
  assert.match(ps.stdout, /^pid +start +rss +command\n/);
  assert.equal(row?.split(/ +/)[1], String(start));
  assert.match(snapshot.stderr, new RegExp(` ms; process ${target.pid} \\(target-[0-9a-f]+\\), start ${start}\\n$`));
  const [open, move, migrate] = await Promise.all([
    cli(['open', file]),
    cli(['move', String(target.pid), '--range', range, '--to', '0', '--expect-start', String(start)]),
    cli(['migrate', String(target.pid), '--from', '0', '--to', '0', '--expect-start', String(start)]),
  ]);
  assert.match(open.stdout, new RegExp(`\\nstart ${start}, taken `));
  assert.equal(move.code, 0, move.stderr);
  assert.match(move.stdout, new RegExp(`\\n {2}process start +${start} \\(for --expect-start\\)\\n`));
  assert.equal(migrate.code, 0, migrate.stderr);
  assert.match(migrate.stdout, new RegExp(`\\n {2}process start ${start} \\(for --expect-start\\)\\n`));
});

test('a process named with escape sequences is printed escaped by ps, move, migrate, snapshot and open', async () => {
  const name = '\x1b]0;owned\x07\x1b[2J';
  const named = spawn(buildC('named'), [name], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve) => createInterface({ input: named.stdout }).once('line', resolve));
    const [pidText, address] = line.split(' ') as [string, string];
    const page = BigInt(address);
    const range = `0x${page.toString(16)}-0x${(page + 4096n).toString(16)}`;
    const file = join(dir, 'named.json');
    const [ps, move, migrate, snapshot] = await Promise.all([
      cli(['ps']),
      cli(['move', pidText, '--range', range, '--to', '0']),
      cli(['migrate', pidText, '--from', '0', '--to', '0']),
      cli(['snapshot', pidText, '-o', file]),
    ]);
    const open = await cli(['open', file]);
    for (const [label, run] of [['ps', ps], ['move', move], ['migrate', migrate], ['snapshot', snapshot], ['open', open]] as const) {
      assert.equal(run.code, 0, `${label}: ${run.stderr}`);
      const text = run.stdout + run.stderr;
      assert.doesNotMatch(text, ESCAPES, `${label} printed a control character`);
    }
    const comm = '\\x1b]0;owned\\x07\\x1b[2J';
    assert.ok(ps.stdout.includes(` ${comm}\n`), ps.stdout);
    assert.ok(move.stdout.startsWith(`process ${pidText} (${comm}): `), move.stdout);
    assert.ok(migrate.stdout.startsWith(`process ${pidText} (${comm}): `), migrate.stdout);
    assert.ok(snapshot.stderr.includes(`; process ${pidText} (${comm}), start `), snapshot.stderr);
    assert.ok(open.stdout.startsWith(`process ${pidText} (${comm}) `), open.stdout);
  } finally {
    named.stdin?.end();
  }
});

test('a snapshot file whose comm, cmdline, kernel and region path hold escapes opens escaped', async () => {
  const source = join(dir, 'plain.json');
  const made = await cli(['snapshot', String(target.pid), '-o', source]);
  assert.equal(made.code, 0, made.stderr);
  const file = JSON.parse(readFileSync(source, 'utf8')) as { kernel: string; process: { comm: string; cmdline: string[] }; vmas: { path: string; name?: string }[] };
  file.kernel = '6.1\x1b[31m';
  file.process.comm = 'x\x1b]0;t\x07';
  file.process.cmdline = ['run\x9b2J', 'two\u202ethree'];
  const vma = file.vmas[0];
  assert.ok(vma);
  vma.path = '/tmp/lib\x1b[8m.so';
  delete vma.name;
  const evil = join(dir, 'evil.json');
  writeFileSync(evil, JSON.stringify(file));
  const run = await cli(['open', evil, '--regions']);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout, ESCAPES);
  assert.doesNotMatch(run.stdout, /\u202e/);
  assert.ok(run.stdout.includes('(x\\x1b]0;t\\x07) run\\x9b2J two\\u{202e}three'), run.stdout);
  assert.ok(run.stdout.includes('kernel 6.1\\x1b[31m,'), run.stdout);
  assert.ok(run.stdout.includes('lib\\x1b[8m.so'), run.stdout);
});
