import { StatusStore } from '../../../app/common/status-store.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { statusColumns } from '../../../app/common/placement-tiles.js';
import { BinCache, aggregateBins, spanCounts, type Bins, type PlacementData } from '../../../app/renderer/model/bins.js';
import { buildLayout } from '../../../app/renderer/model/layout.js';
import { binEdge, fitView, type View } from '../../../app/renderer/model/view.js';
import { PAGE, data, exactTile, random, type RegionSpec } from './helpers.js';

// 5 + 3 + 4 pages; statuses: node ids, -2 (ENOENT), -14 (EFAULT).
const sample = data([
  { start: 0x10000n, status: [0, 0, 1, 1, -2] },
  { start: 0x40000n, status: [1, -14, 0] },
  { start: 0x90000n, status: [0, 0, 0, 0] },
]);

/** The bins as plain arrays: total, absent, then one array per node slot (the last for unknown nodes). */
function plain(bins: Bins): number[][] {
  const width = bins.view.width;
  const out = [[...bins.total], [...bins.absent]];
  for (let slot = 0; slot <= bins.nodes.length; slot++) out.push([...bins.onNode.subarray(slot * width, (slot + 1) * width)]);
  return out;
}

test('three pages a bin: exact counts, including bins that span region boundaries', () => {
  assert.deepEqual(plain(aggregateBins(sample, { start: 0, pagesPerPixel: 3, width: 4 }, [0, 1])), [
    [3, 3, 3, 3],
    [0, 1, 1, 0],
    [2, 0, 2, 3],
    [1, 2, 0, 0],
    [0, 0, 0, 0],
  ]);
});

test('fractional pages a bin: bins take floor-edged page ranges that partition the pages', () => {
  // Edges 0, 2, 5, 7, 10, 12.
  assert.deepEqual(plain(aggregateBins(sample, { start: 0, pagesPerPixel: 2.5, width: 5 }, [0, 1])), [
    [2, 3, 2, 3, 2],
    [0, 1, 1, 0, 0],
    [2, 0, 0, 3, 2],
    [0, 2, 1, 0, 0],
    [0, 0, 0, 0, 0],
  ]);
});

test('zoomed in past single pages: each bin shows the page under its centre', () => {
  assert.deepEqual(plain(aggregateBins(sample, { start: 3, pagesPerPixel: 0.5, width: 6 }, [0, 1])), [
    [1, 1, 1, 1, 1, 1],
    [0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [1, 1, 0, 0, 1, 1],
    [0, 0, 0, 0, 0, 0],
  ]);
  // One page a pixel is the identity.
  assert.deepEqual(plain(aggregateBins(sample, { start: 4, pagesPerPixel: 1, width: 3 }, [0, 1])), [
    [1, 1, 1],
    [1, 0, 1],
    [0, 0, 0],
    [0, 1, 0],
    [0, 0, 0],
  ]);
});

test('bins past either end of the layout stay empty; unknown nodes get the spare slot', () => {
  assert.deepEqual(plain(aggregateBins(sample, { start: 10, pagesPerPixel: 1, width: 4 }, [0])), [
    [1, 1, 0, 0],
    [0, 0, 0, 0],
    [1, 1, 0, 0],
    [0, 0, 0, 0],
  ]);
  assert.deepEqual(plain(aggregateBins(sample, { start: -1.5, pagesPerPixel: 1, width: 3 }, [1])), [
    [0, 0, 1],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 1],
  ]);
  const empty = data([]);
  assert.deepEqual(plain(aggregateBins(empty, fitView(empty.layout, 2), [0])), [[0, 0], [0, 0], [0, 0], [0, 0]]);
});

test('empty regions in the middle are skipped', () => {
  const withEmpty = data([
    { start: 0x1000n, status: [0, 1] },
    { start: 0x5000n, status: [] },
    { start: 0x9000n, status: [] },
    { start: 0xd000n, status: [1, 1] },
  ]);
  assert.deepEqual(plain(aggregateBins(withEmpty, { start: 0, pagesPerPixel: 1.5, width: 3 }, [0, 1])), [
    [1, 2, 1],
    [0, 0, 0],
    [1, 0, 0],
    [0, 2, 1],
    [0, 0, 0],
  ]);
});

function randomSpecs(seed: number): RegionSpec[] {
  const next = random(seed);
  const statuses = [0, 1, 2, 3, -2, -14, -13];
  const specs = [];
  let start = 0x400000n;
  for (let r = 0; r < 1 + Math.floor(next() * 8); r++) {
    const pages = Math.floor(next() * 40);
    const status = new Int16Array(pages);
    for (let i = 0; i < pages; i++) status[i] = statuses[Math.floor(next() * statuses.length)] as number;
    specs.push({ start, status });
    start += BigInt((pages + 1 + Math.floor(next() * 5)) * PAGE);
  }
  return specs;
}

/** Reference: every page placed in its bin by a linear search over the edges. */
function bruteForce(specs: RegionSpec[], view: View, nodes: number[]): number[][] {
  const width = view.width;
  const total = new Array<number>(width).fill(0);
  const absent = new Array<number>(width).fill(0);
  const byNode = Array.from({ length: nodes.length + 1 }, () => new Array<number>(width).fill(0));
  const pages: number[] = [];
  for (const spec of specs) pages.push(...spec.status);
  const inc = (list: number[] | undefined, b: number): void => {
    if (list !== undefined) list[b] = (list[b] ?? 0) + 1;
  };
  const count = (b: number, s: number): void => {
    inc(total, b);
    if (s < 0) inc(absent, b);
    else inc(byNode[nodes.includes(s) ? nodes.indexOf(s) : nodes.length], b);
  };
  for (let b = 0; b < width; b++) {
    if (view.pagesPerPixel < 1) {
      const p = Math.floor(view.start + (b + 0.5) * view.pagesPerPixel);
      if (p >= 0 && p < pages.length) count(b, pages[p] as number);
      continue;
    }
    for (let p = 0; p < pages.length; p++) if (binEdge(view, b) <= p && p < binEdge(view, b + 1)) count(b, pages[p] as number);
  }
  return [total, absent, ...byNode];
}

test('random placements and views agree with a page-by-page reference', () => {
  const next = random(7);
  for (let round = 0; round < 300; round++) {
    const specs = randomSpecs(round + 1);
    const d = data(specs);
    const total = Math.max(d.layout.totalPages, 1);
    const width = 1 + Math.floor(next() * 40);
    const view: View = { start: next() * total - total * 0.1, pagesPerPixel: (next() * 2 * total) / width + 0.05, width };
    const nodes = next() < 0.5 ? [0, 1] : [2, 0, 3];
    assert.deepEqual(plain(aggregateBins(d, view, nodes)), bruteForce(specs, view, nodes), `round ${round} view ${JSON.stringify(view)}`);
  }
});

test('span counts use the same bin edges as the aggregation', () => {
  const view: View = { start: 0, pagesPerPixel: 2.5, width: 5 };
  // Edges 0, 2, 5, 7, 10, 12: pages 1..6 overlap bins 0 (1 page), 1 (3), 2 (2); page 11 is in bin 4.
  assert.deepEqual([...spanCounts(view, [{ start: 1, end: 7 }, { start: 11, end: 12 }])], [1, 3, 2, 0, 1]);
  assert.deepEqual([...spanCounts({ start: 3, pagesPerPixel: 0.5, width: 6 }, [{ start: 4, end: 5 }])], [0, 0, 1, 1, 0, 0]);
  assert.deepEqual([...spanCounts({ start: 0, pagesPerPixel: 1, width: 3 }, [{ start: 5, end: 9 }, { start: 2, end: 2 }])], [0, 0, 0]);
  const next = random(11);
  for (let round = 0; round < 200; round++) {
    const width = 1 + Math.floor(next() * 30);
    const v: View = { start: next() * 50, pagesPerPixel: 1 + next() * 7, width };
    const start = Math.floor(next() * 200);
    const end = start + Math.floor(next() * 60);
    const expected = new Array<number>(width).fill(0);
    for (let b = 0; b < width; b++) for (let p = start; p < end; p++) if (binEdge(v, b) <= p && p < binEdge(v, b + 1)) expected[b] = (expected[b] ?? 0) + 1;
    assert.deepEqual([...spanCounts(v, [{ start, end }])], expected, `round ${round}`);
  }
});

test('the cache returns the same bins for a view seen before and forgets them when the data changes', () => {
  const cache = new BinCache(2);
  const view = fitView(sample.layout, 4);
  const first = cache.get(sample, view, [0, 1]);
  assert.equal(cache.get(sample, { ...view }, [0, 1]), first);
  cache.get(sample, { ...view, width: 3 }, [0, 1]);
  cache.get(sample, { ...view, width: 2 }, [0, 1]);
  assert.equal(cache.size, 2);
  assert.notEqual(cache.get(sample, view, [0, 1]), first);
  const other = data([{ start: 0x1000n, status: [1] }]);
  cache.get(other, view, [0, 1]);
  assert.equal(cache.size, 1);
  // The same placement drawn from another tile (a finer window arrived) is new data too.
  cache.get({ ...other, tile: data([{ start: 0x1000n, status: [1] }]).tile }, view, [0, 1]);
  assert.equal(cache.size, 1);
});

test('a 4M-page placement in runs aggregates into a 2400-pixel overview that counts every page (time reported)', () => {
  // 4 Mi pages (16 GiB) in 300 regions with runs of mixed nodes and holes, as a busy database might look.
  const next = random(3);
  const regions = 300;
  const perRegion = Math.floor((4 * 1024 * 1024) / regions);
  const vmas = [];
  const statuses: Int16Array[] = [];
  let start = 0x7f0000000000n;
  for (let r = 0; r < regions; r++) {
    const status = new Int16Array(perRegion);
    for (let i = 0; i < perRegion; ) {
      const run = 1 + Math.floor(next() * 2000);
      const value = [0, 1, 2, 3, -2, -14][Math.floor(next() * 6)] as number;
      status.fill(value, i, Math.min(perRegion, i + run));
      i += run;
    }
    statuses.push(status);
    const end = start + BigInt(perRegion * PAGE);
    vmas.push({ start, end, name: `r${r}`, path: '', perms: 'rw-p', kind: 'anon' as const });
    start = end + 0x10000n;
  }
  const big: PlacementData = { layout: buildLayout(vmas, PAGE), tile: exactTile(statusColumns(statuses.map((s) => StatusStore.of(s)))) };
  const nodes = [0, 1, 2, 3];
  aggregateBins(big, fitView(big.layout, 2400), nodes);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const bins = aggregateBins(big, fitView(big.layout, 2400), nodes);
    times.push(performance.now() - t0);
    assert.equal(bins.total.reduce((a, b) => a + b, 0), big.layout.totalPages);
  }
  const best = Math.min(...times);
  console.log(`# aggregate ${big.layout.totalPages} pages -> 2400 bins: best ${best.toFixed(1)} ms, worst ${Math.max(...times).toFixed(1)} ms`);
  // Its speed is the drawing bench's to judge (bench/draw, docs/benchmarks.md "Drawing"): a
  // unit test timed on a shared machine measures the machine's load.
});
