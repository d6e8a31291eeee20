/** The sampler against real target processes and the real kernel. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errno } from '../../native/index.js';
import type { Placement } from '../../app/common/types.js';
import { readNumaMaps } from '../../app/main/proc/numaMaps.js';
import { rescanProcess, scanProcess } from '../../app/main/sampler/scan.js';
import { Target, type TargetRegion } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-sampler-'));
const target = await Target.start([
  // The hole comes last: a later mapping could otherwise be placed in it.
  '--anon', '8M', '--untouched', '4M', '--sparse', '64M:50', '--shared', '2M', '--file', `${join(dir, 'data')}:1M`, '--gap', '1M', '--nohuge',
]);
after(async () => {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

const UNTOUCHED = [-errno.ENOENT, -errno.EFAULT];

/**
 * The pages of one of the target's regions. The kernel merges neighbouring mappings with
 * the same flags into one VMA, so a target region is a slice of a VMA, not always a whole one.
 */
function regionAt(placement: Placement, region: TargetRegion): { status: Int16Array } {
  const found = placement.regions.find((r) => r.vma.start <= region.start && r.vma.end >= region.end);
  assert.ok(found, `no region holds 0x${region.start.toString(16)}`);
  const page = BigInt(placement.pageSize);
  return { status: found.status.subarray(Number((region.start - found.vma.start) / page), Number((region.end - found.vma.start) / page)) };
}

function histogram(status: Int16Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of status) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

test('every page of every kind of region gets the kernel\'s answer', async () => {
  const { placement } = await scanProcess(target.pid);
  const [anon, untouched, sparse, shared, file, gap] = target.info.regions as [TargetRegion, TargetRegion, TargetRegion, TargetRegion, TargetRegion, TargetRegion];
  const absent = regionAt(placement, untouched).status[0] as number;
  assert.ok(UNTOUCHED.includes(absent), `untouched pages reported ${absent}`);
  const sparsePages = 64 * 256;
  const touched = Math.ceil(sparsePages / 50);
  assert.deepEqual(
    [anon, untouched, sparse, shared, file].map((r) => histogram(regionAt(placement, r).status)),
    [{ 0: 2048 }, { [absent]: 1024 }, { 0: touched, [absent]: sparsePages - touched }, { 0: 512 }, { 0: 256 }],
  );
  const sparseStatus = regionAt(placement, sparse).status;
  assert.ok(sparseStatus.every((value, index) => value === (index % 50 === 0 ? 0 : absent)), 'sparse touches sit at every 50th page');
  assert.ok(!placement.regions.some((r) => r.vma.start < gap.end && r.vma.end > gap.start), 'the hole is not a region');
  assert.equal(placement.identity.pid, target.pid);
});

test('skipping absent pages with pagemap gives the same answer as asking about every page', async () => {
  const [fast, full] = [await scanProcess(target.pid), await scanProcess(target.pid, { skipNotPresent: false })];
  const flatten = (p: Placement) => p.regions.map((r) => ({ start: r.vma.start, name: r.vma.name, status: [...r.status] }));
  assert.deepEqual(flatten(fast.placement), flatten(full.placement));
  assert.ok(fast.stats.queriedPages < full.stats.queriedPages / 2, `pagemap scan queried ${fast.stats.queriedPages} of ${full.stats.queriedPages}`);
  assert.equal(full.stats.queriedPages, full.stats.totalPages);
});

test('per-region node counts equal /proc/PID/numa_maps for a quiet process', async () => {
  const { placement } = await scanProcess(target.pid);
  const numaMaps = await readNumaMaps(target.pid);
  const mismatches: string[] = [];
  let compared = 0;
  for (const entry of numaMaps) {
    const region = placement.regions.find((r) => r.vma.start === entry.start);
    // numa_maps does not count the kernel's own pages behind [vdso] and [vvar]; move_pages does.
    if (!region || region.vma.kind === 'vdso' || region.vma.kind === 'vvar') continue;
    const unit = entry.kernelPageSize / placement.pageSize;
    const fromMaps = (entry.pagesByNode.get(0) ?? 0) * unit;
    const fromScan = region.status.reduce((sum, value) => sum + (value === 0 ? 1 : 0), 0);
    compared++;
    if (fromMaps !== fromScan) mismatches.push(`${region.vma.name}@0x${region.vma.start.toString(16)}: numa_maps ${fromMaps}, scan ${fromScan}`);
  }
  assert.ok(compared >= 6, `compared only ${compared} regions`);
  assert.deepEqual(mismatches, []);
});

test('progress is reported in order and ends at the total', async () => {
  const seen: number[] = [];
  let total = 0;
  await scanProcess(target.pid, { windowPages: 4096, onProgress: (done, all) => { seen.push(done); total = all; } });
  assert.ok(seen.length > 5);
  assert.deepEqual([...seen].sort((a, b) => a - b), seen);
  assert.equal(seen.at(-1), total);
});

test('a cancelled scan stops with the abort reason', async () => {
  const controller = new AbortController();
  const scan = scanProcess(target.pid, { windowPages: 1024, onProgress: (done) => { if (done > 2048) controller.abort(new Error('stop now')); }, signal: controller.signal });
  await assert.rejects(scan, /stop now/);
});

test('a rescan reports exactly the pages whose status changed', async () => {
  const { placement } = await scanProcess(target.pid);
  const untouched = target.region(1);
  const before = regionAt(placement, untouched).status[0] as number;
  await target.fill(1, 7);
  const result = await rescanProcess(placement);
  // The target's own stack and stdio buffers may change too while it answers; look at the filled region.
  const inRegion = result.changes.list().filter((c) => c.address >= untouched.start && c.address < untouched.end);
  const page = BigInt(target.info.pageSize);
  assert.deepEqual(
    { changes: inRegion, added: result.regionsAdded, removed: result.regionsRemoved },
    { changes: Array.from({ length: 1024 }, (_, i) => ({ address: untouched.start + BigInt(i) * page, from: before, to: 0 })), added: [], removed: [] },
  );
  assert.ok(result.changes.total >= 1024 && result.changes.total < 1024 + 64, `${result.changes.total} changes`);
  assert.deepEqual(histogram(regionAt(result.placement, untouched).status), { 0: 1024 });
});

test('a dead process is a clear error', async () => {
  const short = await Target.start(['--anon', '1M']);
  const { placement } = await scanProcess(short.pid);
  await short.stop();
  await assert.rejects(rescanProcess(placement), /exited|no process/);
});
