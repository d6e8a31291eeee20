/** `numascope move` and `numascope migrate` as a user runs them: exit codes, stdout, stderr. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cli, NOBODY } from '../../helpers/cli.js';
import { Target } from '../../helpers/target.js';

const target = await Target.start(['--anon', '4M', '--untouched', '1M', '--nohuge']);
after(() => target.stop());
const anon = target.region(0);
const untouched = target.region(1);
const hex = (value: bigint): string => `0x${value.toString(16)}`;
const anonRange = `${hex(anon.start)}-${hex(anon.end)}`;
function deadPid(): number {
  const child = spawnSync('true');
  assert.ok(child.pid && child.pid > 0);
  return child.pid;
}

test('move: usage errors exit 2 with a pointer to --help', async () => {
  const runs = await Promise.all([
    cli(['move']),
    cli(['move', String(target.pid), '--to', '0']),
    cli(['move', String(target.pid), '--range', '0x2000-0x1000', '--to', '0']),
    cli(['move', String(target.pid), '--range', anonRange, '--to', 'one']),
    cli(['move', String(target.pid), '--range', anonRange, '--to', '0', '--bogus']),
  ]);
  assert.deepEqual(
    runs.map((r) => [r.code, r.stdout, r.stderr.replace(/ \(see numascope move --help\)\n$/, '').replace(/; usage: numascope move <pid> --range .*\n$/, '')]),
    [
      [2, '', 'numascope move: missing <pid>'],
      [2, '', 'numascope move: missing --range START-END'],
      [2, '', 'numascope move: bad range "0x2000-0x1000": the end must lie after the start'],
      [2, '', 'numascope move: --to "one" is not a node number'],
      [2, '', 'numascope move: unknown option --bogus'],
    ],
  );
});

test('move --help documents the exit status and gives examples', async () => {
  const run = await cli(['move', '--help']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^usage: numascope move <pid> --range/);
  assert.match(run.stdout, /exit status:\n {2}0 {2}every page present in the ranges is on NODE now/);
  assert.match(run.stdout, /examples:\n {2}numascope move \d+ --range 0x/);
});

test('move to the node the pages are on: exit 0 and a summary saying they are already there', async () => {
  const run = await cli(['move', String(target.pid), '--range', `${anonRange},${hex(untouched.start)}-${hex(untouched.end)}`, '--to', '0']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const lines = run.stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', new RegExp(`^process ${target.pid} \\(target-[0-9a-f]+\\): 0 pages moved to node 0, 1,024 already there, 256 not present$`));
  assert.match(run.stdout, /\n {2}already there +1,024\n/);
  assert.match(run.stdout, /\n {2}not present +256\n +256 {2}E(NOENT|FAULT): /);
});

test('move --json prints one JSON object with counts and run-length page statuses', async () => {
  const run = await cli(['move', String(target.pid), '--range', anonRange, '--to', '0', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout) as Record<string, unknown>;
  const { durationMs, startTime, comm, ...rest } = json;
  assert.equal(typeof durationMs, 'number');
  assert.equal(typeof startTime, 'number');
  assert.equal(typeof comm, 'string');
  assert.deepEqual(rest, {
    pid: target.pid,
    toNode: 0,
    moveAll: false,
    outcome: 'complete',
    message: '0 pages moved to node 0, 1,024 already there',
    error: null,
    pageSize: target.info.pageSize,
    counts: { requested: 1024, unmapped: 0, notPresent: 0, alreadyOnTarget: 1024, toMove: 0, moved: 0, failed: 0, notAttempted: 0 },
    failures: [],
    notPresent: [],
    segments: [{ start: hex(anon.start), end: hex(anon.end) }],
    runs: [[1024, 0]],
  });
});

test('move failures exit 1 with a one-line reason on stderr', async () => {
  const dead = deadPid();
  const runs = await Promise.all([
    cli(['move', String(target.pid), '--range', anonRange, '--to', '63']),
    cli(['move', String(dead), '--range', anonRange, '--to', '0']),
    cli(['move', String(target.pid), '--range', anonRange, '--to', '0', '--expect-start', '1']),
    cli(['move', String(target.pid), '--range', '0x1000-0x2000', '--to', '0']),
  ]);
  assert.deepEqual(
    runs.map((r) => [r.code, r.stdout, r.stderr.replace(/\(target-[0-9a-f]+, started at tick \d+\)/, '(TARGET)')]),
    [
      [1, '', 'numascope move: node 63 does not exist on this machine (online nodes: 0)\n'],
      [1, '', `numascope move: no process with pid ${dead}\n`],
      [1, '', `numascope move: pid ${target.pid} now names another process (TARGET) than the one planned for (target-${/target-([0-9a-f]+)/.exec(runs[2]?.stderr ?? '')?.[1]}, started at tick 1); refusing to move its pages\n`],
      [1, '', `numascope move: nothing is mapped in the given range of process ${target.pid}\n`],
    ],
  );
});

test('move --json reports a failure to start as JSON too', async () => {
  const run = await cli(['move', String(target.pid), '--range', anonRange, '--to', '63', '--json']);
  assert.deepEqual([run.code, JSON.parse(run.stdout), run.stderr], [
    1,
    { pid: target.pid, error: { code: 'ENODEV', message: 'node 63 does not exist on this machine (online nodes: 0)' } },
    'numascope move: node 63 does not exist on this machine (online nodes: 0)\n',
  ]);
});

test('move --all as user nobody exits 1 explaining CAP_SYS_NICE', async () => {
  // A target that belongs to nobody too, so only the capability is missing, not access.
  const own = await Target.start(['--anon', '1M'], { prefix: NOBODY });
  try {
    const region = own.region(0);
    const range = `${hex(region.start)}-${hex(region.end)}`;
    const [all, plain] = await Promise.all([
      cli(['move', String(own.pid), '--range', range, '--to', '0', '--all'], NOBODY),
      cli(['move', String(own.pid), '--range', range, '--to', '0'], NOBODY),
    ]);
    assert.deepEqual([all.code, all.stdout, all.stderr], [1, '', 'numascope move: --all (MPOL_MF_MOVE_ALL) is not permitted: it needs CAP_SYS_NICE (run as root)\n']);
    assert.deepEqual([plain.code, plain.stderr], [0, '']);
  } finally {
    await own.stop();
  }
});

test('migrate: exit codes, summary and JSON', async () => {
  const dead = deadPid();
  const [same, json, noNode, bad, missing, gone] = await Promise.all([
    cli(['migrate', String(target.pid), '--from', '0', '--to', '0']),
    cli(['migrate', String(target.pid), '--from', '0', '--to', '0', '--json']),
    cli(['migrate', String(target.pid), '--from', '0', '--to', '1']),
    cli(['migrate', String(target.pid), '--from', 'x', '--to', '0']),
    cli(['migrate', String(target.pid), '--from', '0']),
    cli(['migrate', String(dead), '--from', '0', '--to', '0']),
  ]);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, new RegExp(`^process ${target.pid} \\(target-[0-9a-f]+\\): migrated from nodes 0 to 0 in \\d+\\.\\d\\d s\\n  pairs: none \\(every source node maps onto itself\\)\\n`));
  const parsed = JSON.parse(json.stdout) as { mapping: unknown; notMoved: number; totals: { node: number; before: number; after: number }[] };
  assert.deepEqual([json.code, parsed.mapping, parsed.notMoved, parsed.totals.map((t) => t.node)], [0, [[0, 0]], 0, [0]]);
  assert.deepEqual(
    [noNode, bad, missing, gone].map((r) => [r.code, r.stderr]),
    [
      [1, 'numascope migrate: node 1 does not exist on this machine (online nodes: 0)\n'],
      [2, 'numascope migrate: --from: bad node list "x": "x" is not a node or a range like 0-3 (see numascope migrate --help)\n'],
      [2, 'numascope migrate: missing --to NODES (see numascope migrate --help)\n'],
      [1, `numascope migrate: no process with pid ${dead}\n`],
    ],
  );
});

test('both commands are listed in numascope --help', async () => {
  const run = await cli(['--help']);
  assert.match(run.stdout, /\n {2}move +move the pages of address ranges of a process to a node\n/);
  assert.match(run.stdout, /\n {2}migrate +move all pages of a process from some nodes to others \(migrate_pages\)\n/);
});
