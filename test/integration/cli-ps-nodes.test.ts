/** `numascope ps --nodes`: columns, sorting, filters by command and user, JSON, help. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cli, NOBODY } from '../helpers/cli.js';
import { Target } from '../helpers/target.js';

interface Row {
  pid: number;
  comm: string;
  uid: number | null;
  user: string | null;
  rss: number;
  readable: boolean;
  nodeBytes: Record<string, number> | null;
  totalBytes: number | null;
  locality: number | null;
  threadNodes: number[] | null;
}

const big = await Target.start(['--anon', '24M', '--nohuge']);
const small = await Target.start(['--anon', '2M', '--nohuge']);
const asNobody = await Target.start(['--anon', '1M', '--nohuge'], { prefix: NOBODY });
const comm = readFileSync(`/proc/${big.pid}/comm`, 'utf8').trim();

after(async () => {
  await Promise.all([big.stop(), small.stop(), asNobody.stop()]);
});

async function psJson(...args: string[]): Promise<Row[]> {
  const run = await cli(['ps', '--nodes', '--json', ...args]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Row[];
}

test('ps --nodes prints a column per node and the locality', async () => {
  const run = await cli(['ps', '--nodes', '--comm', comm]);
  assert.equal(run.code, 0, run.stderr);
  const [header, ...lines] = run.stdout.trimEnd().split('\n');
  assert.match(header ?? '', /^pid\s+user\s+rss\s+node0\s+.*locality\s+command$/);
  const line = lines.find((l) => l.startsWith(`${big.pid} `));
  assert.ok(line, run.stdout);
  assert.match(line, /\s2\d\.\d MiB\s.*\s100%\s+target-/);
});

test('ps --nodes --json: stable fields, --comm keeps only that command', async () => {
  const rows = await psJson('--comm', comm);
  assert.ok(rows.length >= 3 && rows.every((row) => row.comm === comm), JSON.stringify(rows));
  const row = rows.find((r) => r.pid === big.pid);
  assert.ok(row);
  assert.deepEqual(Object.keys(row), ['pid', 'comm', 'startTime', 'uid', 'user', 'rss', 'readable', 'reason', 'nodeBytes', 'hugetlbBytes', 'totalBytes', 'threadNodes', 'locality']);
  assert.equal(row.user, 'root');
  assert.ok((row.nodeBytes?.['0'] ?? 0) >= 24 << 20, JSON.stringify(row));
  assert.equal(row.totalBytes, Object.values(row.nodeBytes ?? {}).reduce((a, b) => a + b, 0));
  assert.deepEqual(row.threadNodes, [0]);
  assert.equal(row.locality, 1);
});

test('ps --nodes --user keeps the processes of that user, by name or uid', async () => {
  for (const user of ['nobody', '65534']) {
    const rows = await psJson('--user', user, '--comm', comm);
    assert.deepEqual(rows.map((r) => r.pid), [asNobody.pid]);
    assert.equal(rows[0]?.user, 'nobody');
  }
  const plain = await cli(['ps', '--json', '--user', 'nobody', '--comm', comm]);
  assert.deepEqual((JSON.parse(plain.stdout) as Row[]).map((r) => r.pid), [asNobody.pid]);
  const bad = await cli(['ps', '--nodes', '--user', 'no-such-user-here']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--user "no-such-user-here" is neither a uid nor a user/);
});

test('ps --sort node0 puts the most on node 0 first; --sort locality the least local first', async () => {
  const byNode = await psJson('--sort', 'node0', '--comm', comm);
  const order = byNode.map((r) => r.pid);
  assert.ok(order.indexOf(big.pid) < order.indexOf(small.pid) && order.indexOf(small.pid) < order.indexOf(asNobody.pid), JSON.stringify(order));
  const all = await psJson('--sort', 'node0');
  const values = all.map((r) => r.nodeBytes?.['0'] ?? -1);
  assert.deepEqual(values, [...values].sort((a, b) => b - a));
  // --sort locality implies --nodes.
  const run = await cli(['ps', '--json', '--sort', 'locality']);
  const localities = (JSON.parse(run.stdout) as Row[]).map((r) => r.locality ?? 2);
  assert.deepEqual(localities, [...localities].sort((a, b) => a - b));
  const bad = await cli(['ps', '--sort', 'nodes']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--sort "nodes" is not one of rss, pid, locality, node0/);
});

test('ps --help says locality is an estimate and where the totals come from', async () => {
  const run = await cli(['ps', '--help']);
  assert.match(run.stdout, /--nodes/);
  assert.match(run.stdout, /Locality\s+is an estimate/);
  assert.match(run.stdout, /numastat -p PID/);
});
