/**
 * `numascope advise` on this machine: its usage errors, its refusals, and, where this kernel
 * keeps soft-dirty bits, a buffer written in a loop ranked above an idle one. The kernels of
 * the development machines are built without soft-dirty and their DAMON monitors physical
 * addresses only: there the command must say exactly that, in one line. The guests prove the
 * rest (test/numa/advise.test.ts).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { kernelTracksSoftDirty } from '../../native/sync.js';
import { cli } from '../helpers/cli.js';
import { HeatTarget } from '../helpers/heat-target.js';

let target: HeatTarget;
before(async () => {
  target = await HeatTarget.start({ hotMiB: 8, coldMiB: 8 });
});
after(async () => {
  await target?.stop();
});

function damonVaddr(): boolean {
  const avail = '/sys/kernel/mm/damon/admin/kdamonds/0/contexts/0/avail_operations';
  return existsSync(avail) ? readFileSync(avail, 'utf8').split(/\s+/).includes('vaddr') : existsSync('/sys/kernel/mm/damon/admin');
}

test('advise --help names the heat sources and what they see', async () => {
  const run = await cli(['advise', '--help']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^usage: numascope advise <pid>/);
  assert.match(run.stdout, /soft-dirty +writes only/);
  assert.match(run.stdout, /damon +reads and writes/);
  assert.match(run.stdout, /auto +soft-dirty \(the default\)/);
});

test('bad options are one line and exit 2', async () => {
  for (const [args, message] of [
    [['--seconds', '0'], /--seconds must be a number from 0.1 to 3600, got "0"/],
    [['--source', 'perf'], /--source must be one of auto, damon, soft-dirty, got "perf"/],
    [['--hot', '2'], /--hot must be a number from 0 to 1/],
    [['--secnds', '3'], /unknown option --secnds \(did you mean --seconds\?\)/],
  ] as const) {
    const run = await cli(['advise', String(target.pid), ...args]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  }
});

test('a kernel thread is refused in one line', async () => {
  const run = await cli(['advise', '2', '--seconds', '0.2']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /kernel thread/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
});

test('this kernel: the written buffer ranks above the idle one, or one line says why no heat can be measured', async () => {
  const run = await cli(['advise', String(target.pid), '--seconds', '1.5', '--interval', '500', '--source', 'soft-dirty', '--json']);
  if (!kernelTracksSoftDirty()) {
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `numascope advise: no heat source for process ${target.pid}: soft-dirty: this kernel does not track soft-dirty bits (built without CONFIG_MEM_SOFT_DIRTY)\n`);
    const auto = await cli(['advise', String(target.pid), '--seconds', '0.2']);
    assert.equal(auto.code, 1);
    assert.equal(auto.stderr, run.stderr);
    if (!damonVaddr()) {
      const damon = await cli(['advise', String(target.pid), '--seconds', '0.2', '--source', 'damon']);
      assert.equal(damon.code, 1);
      assert.match(damon.stderr, /^numascope advise: DAMON: (this kernel monitors .* but not virtual addresses \(CONFIG_DAMON_VADDR\)|this kernel has no DAMON sysfs interface .*)\n$/);
    }
    return;
  }
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { heat: { source: string; label: string }; ranges: { start: string; end: string; heat: number }[] };
  assert.equal(report.heat.label, 'writes only (soft-dirty)');
  const top = report.ranges[0];
  assert.ok(top && BigInt(top.start) < target.hot.end && BigInt(top.end) > target.hot.start, 'the hottest range is not in the written buffer');
  assert.ok(!report.ranges.some((r) => BigInt(r.start) < target.cold.end && BigInt(r.end) > target.cold.start), 'the idle buffer shows as written');
});
