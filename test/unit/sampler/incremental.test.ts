/** The pieces of incremental polling: presence bits, the poll plan, and the engine asking only about given ranges. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMovers, MOVER_COUNTERS } from '../../../app/main/sampler/change-signals.js';
import { ChangeLog } from '../../../app/main/sampler/changes.js';
import { runEngine } from '../../../app/main/sampler/engine.js';
import { allBits, newPresenceBits, RangeList, updatePresence, writeBits } from '../../../app/main/sampler/presence-bits.js';
import { planPoll, type PlanInput } from '../../../app/main/sampler/rescan-plan.js';
import { FakeKernel, FakeSource, PAGE_SIZE, buildModel, engineRegions, truth } from './model.js';

const walkOf = (runs: [number, number][]) => (visit: (start: number, end: number) => void): void => runs.forEach(([s, e]) => visit(s, e));

test('presence bits: set and test ranges across word boundaries', () => {
  const bits = newPresenceBits(100);
  writeBits(bits, 30, 70, 1);
  assert.deepEqual([allBits(bits, 30, 70, 1), allBits(bits, 29, 70, 1), allBits(bits, 0, 30, 0), allBits(bits, 70, 100, 0), allBits(bits, 31, 69, 1)], [true, false, true, true, true]);
  writeBits(bits, 32, 64, 0);
  assert.deepEqual([allBits(bits, 32, 64, 0), allBits(bits, 30, 32, 1), allBits(bits, 64, 70, 1)], [true, true, true]);
});

test('a presence walk reports the runs and gaps that differ from the last one, and nothing when none do', () => {
  const bits = newPresenceBits(200);
  updatePresence(bits, 200, walkOf([[0, 50], [100, 150]]), null);
  const same = new RangeList();
  updatePresence(bits, 200, walkOf([[0, 50], [100, 150]]), same);
  assert.equal(same.length, 0);
  // Pages 10-19 dropped (MADV_DONTNEED), 160-169 faulted in, 100-149 unchanged.
  const changed = new RangeList();
  updatePresence(bits, 200, walkOf([[0, 10], [20, 50], [100, 150], [160, 170]]), changed);
  assert.deepEqual([...changed.toArray()], [10, 20, 160, 170]);
  assert.deepEqual([allBits(bits, 10, 20, 0), allBits(bits, 160, 170, 1)], [true, true]);
});

test('the plan: quiet without signals, presence on faults, resident size, maps or when due, full on movers, the backstop, or without tracking', () => {
  const base: PlanInput = { tracking: true, dueFull: false, duePresence: false, moversMoved: false, faultsMoved: false, residentMoved: false, mapsChanged: false };
  const kinds = [
    base,
    { ...base, faultsMoved: true },
    { ...base, residentMoved: true },
    { ...base, mapsChanged: true },
    { ...base, duePresence: true },
    { ...base, moversMoved: true },
    { ...base, dueFull: true },
    { ...base, tracking: false },
  ].map((input) => planPoll(input).kind);
  assert.deepEqual(kinds, ['quiet', 'presence', 'presence', 'presence', 'presence', 'full', 'full', 'full']);
});

test('mover counters are read by name from /proc/vmstat text, missing ones as -1', () => {
  const text = 'nr_free_pages 5\npgmigrate_success 42\nnuma_pages_migrated 7\n';
  const values = parseMovers(text);
  assert.equal(values.length, MOVER_COUNTERS.length);
  assert.deepEqual([values[MOVER_COUNTERS.indexOf('pgmigrate_success')], values[MOVER_COUNTERS.indexOf('numa_pages_migrated')], values[MOVER_COUNTERS.indexOf('pgpromote_success')]], [42, 7, -1]);
});

test('the engine asks only about the given ranges, and the other pages keep their previous answers', async () => {
  const model = buildModel([{ pages: 300, density: 0.6, hugeShare: 0.3 }, { pages: 200, density: 1, gap: 4 }], 8, 5);
  const expected = truth(model);
  // Previous answers: every page claims node 7, a status the model never gives.
  const regions = engineRegions(model, (region) => new Int16Array(region.pages).fill(7));
  regions[0]!.ranges = Float64Array.from([10, 40, 100, 101]);
  regions[1]!.ranges = new Float64Array(0);
  const kernel = new FakeKernel(model, true);
  const changes = new ChangeLog(1 << 16);
  const stats = await runEngine(regions, kernel, new FakeSource(model, {}), changes, { pageSize: PAGE_SIZE, chunkPages: 16, windowPages: 32, hugePages: 8, adaptive: true, pipeline: true }, { aborted: () => false, progress: () => undefined });
  const inRange = (i: number): boolean => (i >= 10 && i < 40) || i === 100;
  const first = model[0]!;
  for (const [page] of kernel.asked) {
    const i = page - first.firstPage;
    // One probe of an absent page per region may fall outside; a huge page is asked at its first page.
    assert.ok(i >= 0 && i < first.pages, `page ${page} is outside the first region`);
  }
  assert.deepEqual(Array.from(regions[0]!.status.toArray(), (s, i) => (inRange(i) ? s : 7)), Array.from(expected[0]!, (s, i) => (inRange(i) ? s : 7)));
  assert.ok(Array.from(regions[0]!.status.toArray()).every((s, i) => inRange(i) || s === 7), 'pages outside the ranges are untouched');
  assert.ok(regions[1]!.status.toArray().every((s) => s === 7), 'a region with no ranges is untouched');
  assert.equal(stats.visitedPages, 31);
  assert.equal(changes.total, Array.from(expected[0]!).filter((s, i) => inRange(i) && s !== 7).length);
});
