/** The sampler against real target processes and the real kernel. */
import { BLOCK_PAGES, StatusStore } from '../../app/common/status-store.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { errno, movePages } from '../../native/index.js';
import type { Placement, Vma } from '../../app/common/types.js';
import { ProcError } from '../../app/main/proc/errors.js';
import { readNumaMaps } from '../../app/main/proc/numaMaps.js';
import { readSmaps } from '../../app/main/proc/smaps.js';
import type { PresenceSource } from '../../app/main/sampler/engine.js';
import { PagemapReadSource, PagemapScanSource } from '../../app/main/sampler/presence.js';
import { rescanProcess, scanProcess, type ScanOptions, type ScanStrategy } from '../../app/main/sampler/scan.js';
import { Target, type TargetRegion } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-sampler-'));
const target = await Target.start([
  // The hole comes last: a later mapping could otherwise be placed in it.
  '--anon', '8M', '--untouched', '4M', '--sparse', '64M:50', '--shared', '2M', '--file', `${join(dir, 'data')}:1M`, '--thp', '64M', '--gap', '1M', '--nohuge',
]);
after(async () => {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

const UNTOUCHED = [-errno.ENOENT, -errno.EFAULT];
const [major = 0, minor = 0] = release().split('.').map(Number);
/** PAGEMAP_SCAN arrived in Linux 6.7. */
const HAS_PAGEMAP_SCAN = major > 6 || (major === 6 && minor >= 7);
const STRATEGIES: ScanStrategy[] = ['auto', 'pagemap-scan', 'pagemap-read', 'full'];

function strategyOptions(strategy: ScanStrategy): { skip: string | false } {
  return { skip: strategy === 'pagemap-scan' && !HAS_PAGEMAP_SCAN ? `PAGEMAP_SCAN needs Linux 6.7, this is ${release()}` : false };
}

/**
 * The pages of one of the target's regions. The kernel merges neighbouring mappings with
 * the same flags into one VMA, so a target region is a slice of a VMA, not always a whole one.
 */
function regionAt(placement: Placement, region: TargetRegion): { status: Int16Array } {
  const found = placement.regions.find((r) => r.vma.start <= region.start && r.vma.end >= region.end);
  assert.ok(found, `no region holds 0x${region.start.toString(16)}`);
  const page = BigInt(placement.pageSize);
  return { status: found.status.toArray().subarray(Number((region.start - found.vma.start) / page), Number((region.end - found.vma.start) / page)) };
}

function histogram(status: Int16Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of status) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function flatten(placement: Placement): { start: bigint; end: bigint; name: string; status: number[] }[] {
  return placement.regions.map((r) => ({ start: r.vma.start, end: r.vma.end, name: r.vma.name, status: [...r.status.toArray()] }));
}

/** What the kernel says about every page of these regions, asked directly, page by page. */
async function kernelAnswers(pid: number, vmas: Vma[], pageSize: number): Promise<number[][]> {
  const out: number[][] = [];
  for (const vma of vmas) {
    const pages = Number((vma.end - vma.start) / BigInt(pageSize));
    const answers: number[] = [];
    for (let first = 0; first < pages; first += 4096) {
      const count = Math.min(4096, pages - first);
      const addresses = BigUint64Array.from({ length: count }, (_, i) => vma.start + BigInt((first + i) * pageSize));
      answers.push(...(await movePages(pid, addresses, null, 0)).status);
    }
    out.push(answers);
  }
  return out;
}

test('every page of every kind of region gets the kernel\'s answer', async () => {
  const { placement } = await scanProcess(target.pid);
  const [anon, untouched, sparse, shared, file, thp, gap] = target.info.regions as [TargetRegion, TargetRegion, TargetRegion, TargetRegion, TargetRegion, TargetRegion, TargetRegion];
  const absent = regionAt(placement, untouched).status[0] as number;
  assert.ok(UNTOUCHED.includes(absent), `untouched pages reported ${absent}`);
  const sparsePages = 64 * 256;
  const touched = Math.ceil(sparsePages / 50);
  assert.deepEqual(
    [anon, untouched, sparse, shared, file, thp].map((r) => histogram(regionAt(placement, r).status)),
    [{ 0: 2048 }, { [absent]: 1024 }, { 0: touched, [absent]: sparsePages - touched }, { 0: 512 }, { 0: 256 }, { 0: 16384 }],
  );
  const sparseStatus = regionAt(placement, sparse).status;
  assert.ok(sparseStatus.every((value, index) => value === (index % 50 === 0 ? 0 : absent)), 'sparse touches sit at every 50th page');
  assert.ok(!placement.regions.some((r) => r.vma.start < gap.end && r.vma.end > gap.start), 'the hole is not a region');
  assert.equal(placement.identity.pid, target.pid);
});

test('the placement holds at most 2 bytes per page (one status per block whose pages agree), in memory the main thread reads without copies', async () => {
  const { placement } = await scanProcess(target.pid);
  for (const region of placement.regions) {
    for (const array of region.status.heldArrays()) assert.ok(array.buffer instanceof SharedArrayBuffer);
    assert.ok(region.status.heldPages <= region.status.length + 2 * BLOCK_PAGES);
    assert.equal(region.status.length, Number((region.vma.end - region.vma.start) / BigInt(placement.pageSize)));
  }
});

for (const strategy of STRATEGIES) {
  test(`${strategy}: every page gets the answer of a query of that page, in every mode`, strategyOptions(strategy), async () => {
    const reference = await scanProcess(target.pid, { strategy: 'full', adaptive: false, pipeline: false });
    const truth = await kernelAnswers(target.pid, reference.placement.regions.map((r) => r.vma), reference.placement.pageSize);
    assert.deepEqual(flatten(reference.placement).map((r) => r.status), truth, 'the plain full scan equals asking the kernel directly');
    const variants: ScanOptions[] = [{}, { adaptive: false }, { pipeline: false }, { adaptive: false, pipeline: false }, { windowPages: 512, chunkPages: 300 }, { windowPages: 100, chunkPages: 4096 }];
    for (const variant of variants) {
      const { placement, stats } = await scanProcess(target.pid, { strategy, ...variant });
      assert.deepEqual(flatten(placement), flatten(reference.placement), `${strategy} ${JSON.stringify(variant)}`);
      assert.equal(stats.totalPages, reference.stats.totalPages);
      if (strategy === 'full') assert.equal(stats.queriedPages, stats.totalPages);
      // At least the untouched region and the sparse region's gaps are filled, not asked about.
      else assert.ok(stats.skippedPages >= 1024 + 16384 - 328, `${strategy} ${JSON.stringify(variant)} skipped ${stats.skippedPages} of ${stats.totalPages}`);
    }
  });
}

test('auto uses PAGEMAP_SCAN where the kernel has it, and pagemap otherwise', async () => {
  const { stats } = await scanProcess(target.pid);
  assert.equal(stats.strategy, HAS_PAGEMAP_SCAN ? 'pagemap-scan' : 'pagemap-read');
  assert.equal((await scanProcess(target.pid, { skipNotPresent: false })).stats.strategy, 'full');
  assert.equal((await scanProcess(target.pid, { strategy: 'pagemap-read' })).stats.strategy, 'pagemap-read');
});

test('a THP region is asked about once per huge page and expanded page for page', async (t) => {
  const thp = target.region(5);
  const smaps = (await readSmaps(target.pid)).find((s) => s.start <= thp.start && s.end >= thp.end);
  const hugeBytes = smaps?.anonHugePages ?? 0;
  if (hugeBytes === 0) {
    t.skip('the kernel gave the target no transparent huge pages (THP disabled or no memory)');
    return;
  }
  const full = await scanProcess(target.pid, { strategy: 'full' });
  const pageSize = full.placement.pageSize;
  const hugePages = hugeBytes / pageSize;
  const strategies: ScanStrategy[] = HAS_PAGEMAP_SCAN ? ['pagemap-scan', 'pagemap-read'] : ['pagemap-read'];
  for (const strategy of strategies) {
    const { placement, stats } = await scanProcess(target.pid, { strategy, adaptive: false });
    assert.deepEqual(histogram(regionAt(placement, thp).status), histogram(regionAt(full.placement, thp).status));
    assert.deepEqual(flatten(placement), flatten(full.placement), strategy);
    if (strategy === 'pagemap-scan') {
      assert.ok((stats.hugePages ?? 0) >= hugePages, `${stats.hugePages} pages answered as huge pages, smaps says ${hugePages}`);
      // One address per 2 MiB for the huge pages, and every present small page.
      const queriedThp = stats.queriedPages - (full.stats.totalPages - (stats.hugePages ?? 0) - stats.skippedPages);
      assert.ok(queriedThp <= hugePages / 256, `${queriedThp} queries for ${hugePages} huge-page pages`);
    } else {
      assert.equal(stats.hugePages, 0, 'pagemap alone cannot tell huge pages');
    }
  }
});

test('PAGEMAP_SCAN and pagemap see the same pages, whatever the size of the output vector', strategyOptions('pagemap-scan'), () => {
  const pageSize = target.info.pageSize;
  const fd = openSync(`/proc/${target.pid}/pagemap`, 'r');
  try {
    const look = (source: PresenceSource, region: TargetRegion): { present: number[]; huge: number } => {
      const first = Number(region.start) / pageSize;
      const pages = Number(region.end - region.start) / pageSize;
      const marks = new Uint8Array(pages);
      let huge = 0;
      source.ranges(first, first + pages, (start, end, isHuge) => {
        marks.fill(1, start, end);
        if (isHuge) huge += end - start;
      });
      const present: number[] = [];
      marks.forEach((mark, i) => mark && present.push(i));
      return { present, huge };
    };
    for (const region of target.info.regions.filter((r) => r.kind !== 'gap')) {
      const read = look(new PagemapReadSource(fd), region);
      const scanned = look(new PagemapScanSource(fd, pageSize), region);
      // Three ranges per call: the walk is continued dozens of times per region.
      const small = look(new PagemapScanSource(fd, pageSize, 3), region);
      assert.deepEqual(scanned.present, read.present, region.kind);
      assert.deepEqual(small, scanned, region.kind);
      if (region.kind !== 'thp') assert.equal(scanned.huge, 0, region.kind);
    }
  } finally {
    closeSync(fd);
  }
});

for (const strategy of STRATEGIES) {
  test(`${strategy}: per-region node counts equal /proc/PID/numa_maps for a quiet process`, strategyOptions(strategy), async () => {
    const { placement } = await scanProcess(target.pid, { strategy });
    const numaMaps = await readNumaMaps(target.pid);
    const mismatches: string[] = [];
    let compared = 0;
    for (const entry of numaMaps) {
      const region = placement.regions.find((r) => r.vma.start === entry.start);
      // numa_maps does not count the kernel's own pages behind [vdso] and [vvar]; move_pages does.
      if (!region || region.vma.kind === 'vdso' || region.vma.kind === 'vvar') continue;
      const unit = entry.kernelPageSize / placement.pageSize;
      const fromMaps = (entry.pagesByNode.get(0) ?? 0) * unit;
      const fromScan = region.status.toArray().reduce((sum, value) => sum + (value === 0 ? 1 : 0), 0);
      compared++;
      if (fromMaps !== fromScan) mismatches.push(`${region.vma.name}@0x${region.vma.start.toString(16)}: numa_maps ${fromMaps}, scan ${fromScan}`);
    }
    assert.ok(compared >= 6, `compared only ${compared} regions`);
    assert.deepEqual(mismatches, []);
  });

  test(`${strategy}: progress is reported in order and ends at the total; cancelling stops with the abort reason`, strategyOptions(strategy), async () => {
    const seen: number[] = [];
    let total = 0;
    await scanProcess(target.pid, { strategy, windowPages: 4096, progressIntervalMs: 0, onProgress: (done, all) => { seen.push(done); total = all; } });
    assert.ok(seen.length > 5, `${seen.length} progress reports`);
    assert.deepEqual([...seen].sort((a, b) => a - b), seen);
    assert.equal(seen.at(-1), total);

    const controller = new AbortController();
    const scan = scanProcess(target.pid, { strategy, windowPages: 1024, progressIntervalMs: 0, onProgress: (done) => { if (done > 2048) controller.abort(new Error('stop now')); }, signal: controller.signal });
    await assert.rejects(scan, /stop now/);
    const already = new AbortController();
    already.abort(new Error('before it began'));
    await assert.rejects(scanProcess(target.pid, { strategy, signal: already.signal }), /before it began/);
  });

  test(`${strategy}: a rescan reports exactly the pages whose status changed`, strategyOptions(strategy), async () => {
    const own = await Target.start(['--anon', '1M', '--untouched', '4M', '--sparse', '16M:10', '--nohuge']);
    try {
      const { placement } = await scanProcess(own.pid, { strategy });
      const untouched = own.region(1);
      const arrays = placement.regions.map((r) => r.status);
      const before = regionAt(placement, untouched).status[0] as number;
      await own.fill(1, 7);
      const result = await rescanProcess(placement, { strategy });
      // The target's own stack and stdio buffers may change too while it answers; look at the filled region.
      const inRegion = result.changes.list().filter((c) => c.address >= untouched.start && c.address < untouched.end);
      const page = BigInt(own.info.pageSize);
      // The node the filled pages went to (node 0 on a one-node machine; the target's own on others).
      const node = regionAt(result.placement, untouched).status[0] as number;
      assert.ok(node >= 0, `filled pages report ${node}`);
      assert.deepEqual(
        { changes: inRegion, added: result.regionsAdded, removed: result.regionsRemoved },
        { changes: Array.from({ length: 1024 }, (_, i) => ({ address: untouched.start + BigInt(i) * page, from: before, to: node })), added: [], removed: [] },
      );
      assert.ok(result.changes.total >= 1024 && result.changes.total < 1024 + 64, `${result.changes.total} changes`);
      assert.deepEqual(histogram(regionAt(result.placement, untouched).status), { [node]: 1024 });
      assert.ok(result.placement.regions.every((r, i) => r.status === arrays[i]), 'regions with the same bounds keep their arrays');
      assert.deepEqual(flatten(result.placement), flatten((await scanProcess(own.pid, { strategy: 'full' })).placement));
    } finally {
      await own.stop();
    }
  });
}

test('a rescan updates stores that are not in shared memory in place too', async () => {
  const { placement } = await scanProcess(target.pid);
  const copy: Placement = { ...placement, regions: placement.regions.map((r) => ({ vma: r.vma, status: StatusStore.of(new Int16Array(r.status.length).fill(7), r.status.phase) })) };
  const result = await rescanProcess(copy);
  assert.ok(result.placement.regions.every((r, i) => r.status === copy.regions[i]?.status));
  assert.deepEqual(flatten(result.placement), flatten(placement));
  assert.equal(result.changes.total, placement.regions.reduce((sum, r) => sum + r.status.length, 0), 'every page changed from 7');
});

test('a dead process is a clear error', async () => {
  const short = await Target.start(['--anon', '1M']);
  const { placement } = await scanProcess(short.pid);
  await short.stop();
  await assert.rejects(rescanProcess(placement), /exited|no process/);
  await assert.rejects(scanProcess(short.pid), (error: unknown) => error instanceof ProcError && error.code === 'ESRCH');
});
