/** The scan engine against a simulated kernel: every page must get the answer a query of that page gives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeLog } from '../../../app/main/sampler/changes.js';
import { runEngine, ScanAborted, type EngineOptions, type EngineRegion, type PresenceSource } from '../../../app/main/sampler/engine.js';
import { EFAULT, ENOENT, FakeKernel, FakeSource, PAGE_SIZE, buildModel, engineRegions, truth, type ModelRegion, type RegionSpec, type SourceQuirks } from './model.js';

const HUGE = 8;

const SPECS: RegionSpec[] = [
  { pages: 37, density: 1 }, // dense, smaller than a window
  { pages: 600, density: 0.02, gap: 5 }, // sparse
  { pages: 300, density: 0, gap: 3, absent: EFAULT }, // untouched anonymous memory before Linux 6.12
  { pages: 517, density: 0.3, hugeShare: 0.6, swappedShare: 0.05, gap: 11 }, // huge pages among small ones
  { pages: 700, density: 0.97, gap: 1 }, // dense enough to be queried directly
  { pages: 9, density: 0.5, queryAll: true }, // a special mapping: always queried
  { pages: 1, density: 0 },
  { pages: 250, density: 0, hugeShare: 1, gap: 7 }, // all huge pages
];

function options(overrides: Partial<EngineOptions> = {}): EngineOptions {
  return { pageSize: PAGE_SIZE, chunkPages: 50, windowPages: 64, hugePages: HUGE, adaptive: true, pipeline: true, ...overrides };
}

const noHooks = { aborted: () => false, progress: () => undefined };

async function scan(model: ModelRegion[], source: PresenceSource | null, opts: Partial<EngineOptions>, withAsync: boolean): Promise<{ regions: EngineRegion[]; kernel: FakeKernel }> {
  const kernel = new FakeKernel(model, withAsync);
  const regions = engineRegions(model);
  await runEngine(regions, kernel, source, null, options(opts), noHooks);
  assert.equal(kernel.pending, 0, 'no call is running when the scan ends');
  return { regions, kernel };
}

const VARIANTS: { name: string; quirks: SourceQuirks | null }[] = [
  { name: 'full query', quirks: null },
  { name: 'PAGEMAP_SCAN-like', quirks: {} },
  { name: 'pagemap-read-like (no huge)', quirks: { noHuge: true } },
  { name: 'split and repeated ranges', quirks: { splitAt: 3, repeat: true } },
];

for (const variant of VARIANTS) {
  for (const adaptive of [true, false]) {
    for (const pipeline of [true, false]) {
      test(`${variant.name}, adaptive ${adaptive}, pipeline ${pipeline}: every page gets the kernel's answer`, async () => {
        for (const seed of [1, 2, 3]) {
          const model = buildModel(SPECS, HUGE, seed);
          const source = variant.quirks ? new FakeSource(model, variant.quirks) : null;
          for (const chunkPages of [1, 7, 50, 4096]) {
            const { regions } = await scan(model, source, { adaptive, pipeline, chunkPages, windowPages: chunkPages === 1 ? 16 : 64 }, true);
            assert.deepEqual(regions.map((r) => r.status.toArray()), truth(model), `seed ${seed}, chunkPages ${chunkPages}`);
          }
        }
      });
    }
  }
}

test('absent pages are not asked about one by one: one probe per region', async () => {
  const model = buildModel([{ pages: 5000, density: 0.01 }, { pages: 3000, density: 0, absent: EFAULT, gap: 9 }], HUGE, 7);
  const { regions, kernel } = await scan(model, new FakeSource(model), { windowPages: 1024, chunkPages: 512 }, true);
  assert.deepEqual(regions.map((r) => r.status.toArray()), truth(model));
  const present = model.reduce((sum, r) => sum + r.state.filter((s) => s >= 0).length, 0);
  assert.equal(kernel.addresses, present + 2);
});

test('a huge page is asked about once and its answer covers all its pages', async () => {
  const model = buildModel([{ pages: 16 * HUGE + 5, density: 0, hugeShare: 1, nodes: 3 }], HUGE, 9, 0x7f0000000 + 3);
  const { regions, kernel } = await scan(model, new FakeSource(model), { adaptive: false }, true);
  assert.deepEqual(regions.map((r) => r.status.toArray()), truth(model));
  const hugeBlocks = model[0]?.huge.filter((h) => h === 1).length ?? 0;
  assert.equal(hugeBlocks, 16 * HUGE, 'the model has 16 huge pages (the unaligned ends are not huge)');
  // 16 huge pages, plus one probe for the absent pages at the unaligned ends.
  assert.equal(kernel.addresses, 16 + 1);
  for (const [page, times] of kernel.asked) assert.equal(times, 1, `page ${page} asked ${times} times`);
});

test('dense regions are queried directly after the first window, and re-checked', async () => {
  const model = buildModel([{ pages: 64 * 40, density: 1 }], HUGE, 4);
  const source = new FakeSource(model);
  const kernel = new FakeKernel(model, true);
  const regions = engineRegions(model);
  const stats = await runEngine(regions, kernel, source, null, options(), noHooks);
  assert.deepEqual(regions.map((r) => r.status.toArray()), truth(model));
  assert.equal(stats.scannedWindows + stats.directWindows, 40);
  assert.ok(stats.directWindows >= 34, `${stats.directWindows} direct windows`);
  assert.ok(stats.scannedWindows >= 2, 'the source is asked again now and then (huge pages may appear)');
});

test('a page that became present after the source looked gets its real answer', async () => {
  const model = buildModel([{ pages: 200, density: 0 }], HUGE, 5);
  const kernel = new FakeKernel(model, true);
  const first = model[0]?.firstPage ?? 0;
  // The first absent page the engine probes, and one more, turned present (node 1).
  kernel.overrides.set(first, 1);
  kernel.overrides.set(first + 1, 1);
  const regions = engineRegions(model);
  await runEngine(regions, kernel, new FakeSource(model), null, options(), noHooks);
  const expected = new Int16Array(200).fill(ENOENT);
  expected[0] = 1;
  expected[1] = 1;
  assert.deepEqual(regions[0]?.status.toArray(), expected);
});

test('a rescan records exactly the pages whose answer changed', async () => {
  for (const quirks of [null, {}, { noHuge: true }]) {
    const model = buildModel(SPECS, HUGE, 11);
    const expected = truth(model);
    const before = model.map((region, r) => {
      // The previous answers: the current ones with every 7th page different.
      const old = Int16Array.from(expected[r] as Int16Array);
      for (let i = r % 7; i < old.length; i += 7) old[i] = (old[i] as number) >= 0 ? ENOENT : 1;
      return old;
    });
    const regions = engineRegions(model, (region) => Int16Array.from(before[model.indexOf(region)] as Int16Array));
    const changes = new ChangeLog(1 << 20);
    await runEngine(regions, new FakeKernel(model, true), quirks ? new FakeSource(model, quirks) : null, changes, options(), noHooks);
    assert.deepEqual(regions.map((r) => r.status.toArray()), expected);
    const wanted = model.flatMap((region, r) =>
      Array.from({ length: region.pages }, (_, i) => i)
        .filter((i) => before[r]?.[i] !== expected[r]?.[i])
        .map((i) => ({ address: BigInt((region.firstPage + i) * PAGE_SIZE), from: before[r]?.[i] as number, to: expected[r]?.[i] as number })),
    );
    assert.deepEqual(changes.list(), wanted);
    assert.equal(changes.total, wanted.length);
  }
});

test('progress rises to the total, and cancelling stops the scan with no call left running', async () => {
  const model = buildModel(SPECS, HUGE, 12);
  const kernel = new FakeKernel(model, true);
  const seen: number[] = [];
  const regions = engineRegions(model);
  const total = model.reduce((sum, r) => sum + r.pages, 0);
  await runEngine(regions, kernel, new FakeSource(model), null, options(), { aborted: () => false, progress: (done, all) => { seen.push(done); assert.equal(all, total); } });
  assert.deepEqual([...seen].sort((a, b) => a - b), seen);
  assert.equal(seen.at(-1), total);

  let reports = 0;
  const aborting = new FakeKernel(model, true);
  await assert.rejects(
    runEngine(engineRegions(model), aborting, new FakeSource(model), null, options({ chunkPages: 20 }), { aborted: () => reports >= 5, progress: () => void reports++ }),
    ScanAborted,
  );
  assert.equal(aborting.pending, 0);
  assert.ok(aborting.addresses < total / 2, `asked about ${aborting.addresses} of ${total} pages before stopping`);
});

test('a failed call fails the scan, after every running call has ended', async () => {
  // Only full batches of at least 4096 pages go to another thread: 10000 present pages make two.
  const model = buildModel([{ pages: 20000, density: 0.5 }], HUGE, 13);
  const kernel = new FakeKernel(model, true);
  kernel.failAsync = Object.assign(new Error('move_pages failed: ESRCH'), { code: 'ESRCH' });
  await assert.rejects(runEngine(engineRegions(model), kernel, new FakeSource(model), null, options({ chunkPages: 4096, windowPages: 512 }), noHooks), /ESRCH/);
  assert.equal(kernel.pending, 0);
});
