/**
 * The numa_maps totals (ps --nodes, metrics) against what numastat -p prints for the same
 * real processes: test targets of several kinds, and this test process itself.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProcessNodeUsage, readProcessNodeUsage } from '../../../app/main/proc/node-usage.js';
import { readPageSize } from '../../../app/main/system/pageSize.js';
import { cli } from '../../helpers/cli.js';
import { asNumastat, numastat, numastatMiB, parseNumastat } from '../../helpers/numastat.js';
import { Target } from '../../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-node-usage-'));
const targets = await Promise.all([
  Target.start(['--anon', '8M', '--nohuge']),
  Target.start(['--thp', '8M', '--anon', '1M']),
  Target.start(['--shared', '4M', '--file', `${join(dir, 'mapped')}:3M`]),
  Target.start(['--sparse', '64M:16', '--untouched', '4M']),
]);
const pageSize = await readPageSize();

after(async () => {
  await Promise.all(targets.map((target) => target.stop()));
  rmSync(dir, { recursive: true, force: true });
});

test('numastatMiB rounds as printf does', () => {
  assert.equal(numastatMiB(32 * 4096), '0.12');
  assert.equal(numastatMiB(96 * 4096), '0.38');
  assert.equal(numastatMiB(11_104_256), '10.59');
  assert.equal(numastatMiB(0), '0.00');
});

test('readProcessNodeUsage equals numastat -p on test targets (anonymous, THP, shared, file, sparse)', async () => {
  for (const target of targets) {
    const usage = await readProcessNodeUsage(target.pid);
    const printed = numastat(target.pid);
    assert.deepEqual(asNumastat(usage.bytesByNode, printed.total.keys()), printed.total, `pid ${target.pid} ${JSON.stringify(target.info.regions.map((r) => r.kind))}`);
    assert.deepEqual(asNumastat(usage.hugetlbBytesByNode, printed.huge.keys()), printed.huge);
    assert.ok(usage.totalBytes > 0);
  }
});

test('the THP target\'s huge pages count where numastat counts them', async () => {
  const usage = await readProcessNodeUsage(targets[1]!.pid);
  // 8 MiB of THP and 1 MiB of small pages, touched: at least 9 MiB on the nodes.
  assert.ok(usage.totalBytes >= 9 << 20, `${usage.totalBytes}`);
  assert.equal([...usage.hugetlbBytesByNode.values()].reduce((a, b) => a + b, 0), 0);
});

test('this test process: numa_maps totals equal numastat -p (read before and after it, while nothing runs)', () => {
  // Node's own heap moves; with the event loop blocked, retry until the totals before and
  // after numastat agree, then numastat must have seen the same.
  for (let attempt = 0; ; attempt++) {
    const before = parseProcessNodeUsage(readFileSync('/proc/self/numa_maps', 'utf8'), pageSize);
    const text = execFileSync('numastat', ['-p', `${process.pid}`], { encoding: 'utf8' });
    const afterwards = parseProcessNodeUsage(readFileSync('/proc/self/numa_maps', 'utf8'), pageSize);
    if (before.totalBytes !== afterwards.totalBytes && attempt < 20) continue;
    const printed = parseNumastat(text);
    assert.deepEqual(asNumastat(before.bytesByNode, printed.total.keys()), printed.total);
    return;
  }
});

test('ps --nodes --json and metrics --pid report what numastat -p prints', async () => {
  const pids = targets.map((target) => target.pid);
  const ps = await cli(['ps', '--nodes', '--json']);
  assert.equal(ps.code, 0, ps.stderr);
  const rows = JSON.parse(ps.stdout) as { pid: number; nodeBytes: Record<string, number>; hugetlbBytes: Record<string, number>; locality: number | null; threadNodes: number[] }[];
  const metrics = await cli(['metrics', ...pids.flatMap((pid) => ['--pid', `${pid}`])]);
  assert.equal(metrics.code, 0, metrics.stderr);
  for (const pid of pids) {
    const printed = numastat(pid);
    const row = rows.find((r) => r.pid === pid);
    assert.ok(row, `ps --nodes does not list ${pid}`);
    assert.deepEqual(asNumastat(row.nodeBytes, printed.total.keys()), printed.total);
    assert.deepEqual(asNumastat(row.hugetlbBytes, printed.huge.keys()), printed.huge);
    const fromMetrics = new Map<number, number>();
    for (const match of metrics.stdout.matchAll(new RegExp(`^numascope_process_node_bytes\\{pid="${pid}",comm="[^"]*",node="(\\d+)"\\} (\\d+)$`, 'gm'))) fromMetrics.set(Number(match[1]), Number(match[2]));
    assert.deepEqual(asNumastat(fromMetrics, printed.total.keys()), printed.total);
    // One node here: every thread runs on it and all the memory is there.
    assert.ok(row.threadNodes.length > 0 && row.locality !== null && row.locality > 0 && row.locality <= 1, JSON.stringify(row));
  }
});
