/**
 * Placement tiles: what main sends (app/common/placement-tiles.ts), how the renderer draws
 * from them (model/bins.ts, model/tiles.ts) and which tile it picks or asks for per view.
 */
import { StatusStore } from '../../../app/common/status-store.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { MAX_WINDOW_BINS, OVERVIEW_BINS, binSizeFor, digest, overviewOf, statusColumns, summarizePlacement, summarizeSnapshot, tileOf, type PlacementTile } from '../../../app/common/placement-tiles.js';
import { encodeSnapshot } from '../../../app/common/snapshot/codec.js';
import { aggregateBins, type Bins } from '../../../app/renderer/model/bins.js';
import { buildLayout } from '../../../app/renderer/model/layout.js';
import { carriedFrom, type Shown } from '../../../app/renderer/model/sources.js';
import { TileError, TileStore, binSizeForView, countsInRange, decodeTile, visibleRange, windowFor, type Tile } from '../../../app/renderer/model/tiles.js';
import type { PlacementUpdate } from '../../../app/common/ipc.js';
import type { View } from '../../../app/renderer/model/view.js';
import { PAGE, columnsOf, data, exactTile, placement, random, topology, type RegionSpec } from './helpers.js';

const specs: RegionSpec[] = [
  { start: 0x10000n, status: [0, 0, 1, 1, -2] },
  { start: 0x40000n, status: [] },
  { start: 0x90000n, status: [1, -14, 0, 0, 0, 0] },
];
const columns = columnsOf(placement(specs));

test('a window is runs when they are no more than its bins, merged across region boundaries', () => {
  assert.deepEqual(tileOf(columns, { from: 0, to: 11, pagesPerBin: 2 }), { kind: 'runs', from: 0, to: 11, runs: [2, 0, 2, 1, 1, -2, 1, 1, 1, -14, 4, 0] });
  // Clamped to the layout; a page range inside one run is one run.
  assert.deepEqual(tileOf(columns, { from: 7, to: 99, pagesPerBin: 1 }), { kind: 'runs', from: 7, to: 11, runs: [4, 0] });
  assert.deepEqual(tileOf(columns, { from: 4, to: 7, pagesPerBin: 1 }), { kind: 'runs', from: 4, to: 7, runs: [1, -2, 1, 1, 1, -14] });
  assert.deepEqual(tileOf(columns, { from: 20, to: 30, pagesPerBin: 1 }), { kind: 'runs', from: 11, to: 11, runs: [] });
});

test('a window with more runs than bins is bins, with a count per status that occurs', () => {
  // Six runs in three bins of four pages: [0 0 1 1] [-2 1 -14 0] [0 0 0].
  assert.deepEqual(tileOf(columns, { from: 0, to: 11, pagesPerBin: 4 }), {
    kind: 'bins',
    from: 0,
    to: 11,
    pagesPerBin: 4,
    statuses: [-14, -2, 0, 1],
    counts: [0, 0, 2, 2, 1, 1, 1, 1, 0, 0, 3, 0],
  });
});

/** Reference: counts per bin and status, page by page. */
function bruteBins(pages: number[], from: number, to: number, size: number): Map<number, number>[] {
  const bins: Map<number, number>[] = [];
  for (let p = from; p < Math.min(to, pages.length); p++) {
    const b = Math.floor((p - from) / size);
    const map = (bins[b] ??= new Map());
    map.set(pages[p] as number, (map.get(pages[p] as number) ?? 0) + 1);
  }
  return bins;
}

function randomSpecs(next: () => number): RegionSpec[] {
  const out: RegionSpec[] = [];
  let start = 0x400000n;
  for (let r = 0; r < 1 + Math.floor(next() * 6); r++) {
    const status = new Int16Array(Math.floor(next() * 60));
    for (let i = 0; i < status.length; ) {
      const run = 1 + Math.floor(next() * 6);
      status.fill([0, 1, 2, -2, -14][Math.floor(next() * 5)] as number, i, i + run);
      i += run;
    }
    out.push({ start, status });
    start += BigInt((status.length + 1) * PAGE);
  }
  return out;
}

test('random windows: runs decode to the pages, bins count them exactly', () => {
  const next = random(5);
  for (let round = 0; round < 200; round++) {
    const s = randomSpecs(next);
    const pages = s.flatMap((r) => [...r.status]);
    const cols = columnsOf(placement(s));
    const from = Math.floor(next() * (pages.length + 2));
    const to = from + 1 + Math.floor(next() * 40);
    const size = 1 + Math.floor(next() * 8);
    const tile = tileOf(cols, { from, to, pagesPerBin: size });
    const end = Math.min(to, pages.length);
    const lo = Math.min(from, pages.length);
    if (tile.kind === 'runs') {
      const expanded: number[] = [];
      for (let i = 0; i < tile.runs.length; i += 2) for (let k = 0; k < (tile.runs[i] as number); k++) expanded.push(tile.runs[i + 1] as number);
      assert.deepEqual(expanded, pages.slice(lo, end), `round ${round}`);
      assert.ok(tile.runs.length / 2 <= Math.ceil((end - lo) / size), `round ${round}: more runs than bins`);
    } else {
      const got = Array.from({ length: Math.ceil((end - lo) / size) }, (_, b) => {
        const map = new Map<number, number>();
        tile.statuses.forEach((status, c) => {
          const n = tile.counts[b * tile.statuses.length + c] as number;
          if (n > 0) map.set(status, n);
        });
        return map;
      });
      assert.deepEqual(got, bruteBins(pages, lo, end, size), `round ${round}`);
    }
  }
});

test('the overview of a fragmented 4M-page placement is bins, bounded whatever the page count', () => {
  const status = new Int16Array(4 * 1024 * 1024);
  for (let i = 0; i < status.length; i++) status[i] = i % 61 === 60 ? -2 : i % 4;
  const cols = statusColumns([StatusStore.of(status)]);
  const t0 = performance.now();
  const overview = overviewOf(cols);
  const ms = performance.now() - t0;
  assert.equal(overview.kind, 'bins');
  assert.ok(overview.kind === 'bins' && Math.ceil((overview.to - overview.from) / overview.pagesPerBin) <= OVERVIEW_BINS);
  const bytes = JSON.stringify(overview).length;
  console.log(`# overview of 4,194,304 interleaved pages: ${ms.toFixed(1)} ms, ${bytes} bytes of JSON (the runs would be ${status.length} pairs)`);
  assert.ok(bytes < 256 * 1024, `${bytes} bytes`);
  assert.equal(binSizeFor(4 * 1024 * 1024, OVERVIEW_BINS), 512);
  assert.equal(binSizeFor(0, OVERVIEW_BINS), 1);
});

test('digest: the per-region totals and the overview of one pass equal those computed apart', () => {
  const next = random(13);
  for (let round = 0; round < 100; round++) {
    const s = randomSpecs(next);
    const cols = columnsOf(placement(s));
    const { counts, overview } = digest(cols);
    assert.deepEqual(overview, overviewOf(cols), `round ${round}`);
    const expected = s.map((r) => {
      const map = new Map<number, number>();
      for (const status of r.status) map.set(status, (map.get(status) ?? 0) + 1);
      return [...map].sort((a, b) => a[0] - b[0]).map(([status, pages]) => [pages, status]);
    });
    assert.deepEqual(counts, expected, `round ${round}`);
  }
  // More runs than the overview has bins: the overview is bins.
  const status = Int16Array.from({ length: 3 * OVERVIEW_BINS }, (_, i) => i % 2);
  const fragmented = digest(statusColumns([StatusStore.of(status)]));
  assert.equal(fragmented.overview.kind, 'bins');
  assert.deepEqual(fragmented.overview, overviewOf(statusColumns([StatusStore.of(status)])));
  // Exactly as many runs as bins still fits as runs.
  const edge = Int16Array.from({ length: 2 * OVERVIEW_BINS }, (_, i) => (i >> 1) % 2);
  assert.equal(digest(statusColumns([StatusStore.of(edge)])).overview.kind, 'runs');
  assert.deepEqual(digest(statusColumns([StatusStore.of(edge)])).overview, overviewOf(statusColumns([StatusStore.of(edge)])));
});

test('the summary from the arrays equals the one from the snapshot file, totals included', () => {
  // Snapshot files have no empty regions (the kernel maps none).
  const p = placement(specs.filter((r) => r.status.length > 0));
  const top = topology([0, 1]);
  const file = encodeSnapshot({ placement: p, topology: top, tool: { name: 'numascope', version: 'test' } });
  const live = summarizePlacement(p, top, { name: 'numascope', version: 'test' });
  assert.deepEqual(live, summarizeSnapshot(file));
  assert.deepEqual(
    live.vmas.map((v) => v.counts),
    [
      [
        [1, -2],
        [2, 0],
        [2, 1],
      ],
      [
        [1, -14],
        [4, 0],
        [1, 1],
      ],
    ],
  );
  assert.deepEqual([live.totalPages, live.totals], [11, { byNode: { '0': 6, '1': 3 }, byStatus: { '-14': 1, '-2': 1 } }]);
});

test('decodeTile refuses tiles that do not add up', () => {
  assert.throws(() => decodeTile({ kind: 'runs', from: 0, to: 5, runs: [2, 0, 2, 1] }), TileError);
  assert.throws(() => decodeTile({ kind: 'bins', from: 0, to: 5, pagesPerBin: 2, statuses: [0], counts: [2, 2] }), TileError);
  assert.throws(() => decodeTile({ kind: 'runs', from: 4, to: 2, runs: [] }), TileError);
  const tile = decodeTile({ kind: 'runs', from: 3, to: 7, runs: [1, 0, 3, -2] });
  assert.deepEqual(tile.kind === 'runs' && [[...tile.starts], [...tile.status]], [[3, 4, 7], [0, -2]]);
});

/** Bins as plain arrays: total, absent, then one array per node slot. */
function plain(bins: Bins, digits = 9): number[][] {
  const round = (v: number): number => Number(v.toFixed(digits));
  const width = bins.view.width;
  const out = [[...bins.total].map(round), [...bins.absent].map(round)];
  for (let slot = 0; slot <= bins.nodes.length; slot++) out.push([...bins.onNode.subarray(slot * width, (slot + 1) * width)].map(round));
  return out;
}

function binned(tile: PlacementTile): Tile {
  return decodeTile(tile);
}

test('drawing from bins: exact where pixels line up with the bins, and every page counted once', () => {
  const next = random(9);
  for (let round = 0; round < 150; round++) {
    const s = randomSpecs(next);
    const p = placement(s);
    const cols = columnsOf(p);
    const layout = buildLayout(p.regions.map((r) => r.vma), PAGE);
    const total = cols.totalPages;
    if (total === 0) continue;
    const size = 2 ** Math.floor(next() * 3);
    const tile = binned(tileOf(cols, { from: 0, to: total, pagesPerBin: size }, 0));
    const exact = { layout, tile: exactTile(cols) };
    const nodes = [0, 1];
    // Pixels of a whole number of bins each, starting on a bin edge: the same as drawing from runs.
    const perPixel = size * (1 + Math.floor(next() * 3));
    const aligned: View = { start: size * Math.floor(next() * 3), pagesPerPixel: perPixel, width: 1 + Math.floor(next() * 10) };
    assert.deepEqual(plain(aggregateBins({ layout, tile }, aligned, nodes)), plain(aggregateBins(exact, aligned, nodes)), `round ${round} aligned`);
    // Any view: each pixel has its pages, split among statuses in proportion, none lost or made up.
    const view: View = { start: next() * total - 2, pagesPerPixel: 0.3 + next() * 5, width: 1 + Math.floor(next() * 20) };
    const bins = aggregateBins({ layout, tile }, view, nodes);
    const reference = aggregateBins(exact, view, nodes);
    assert.deepEqual([...bins.total], [...reference.total], `round ${round} totals`);
    for (let b = 0; b < view.width; b++) {
      let sum = bins.absent[b] as number;
      for (let slot = 0; slot <= nodes.length; slot++) sum += bins.onNode[slot * view.width + b] as number;
      assert.ok(Math.abs(sum - (bins.total[b] as number)) < 1e-9, `round ${round} pixel ${b}: ${sum} of ${bins.total[b]}`);
    }
  }
});

test('counts of a page range: exact from runs, shares adding up to the range from bins', () => {
  const d = data(specs);
  assert.deepEqual(countsInRange(d.tile, 1, 8), { counts: new Map([[0, 2], [1, 3], [-2, 1], [-14, 1]]), exact: true });
  const tile = decodeTile(tileOf(columns, { from: 0, to: 11, pagesPerBin: 4 }));
  const coarse = countsInRange(tile, 1, 8);
  assert.equal(coarse.exact, false);
  assert.equal([...coarse.counts.values()].reduce((a, b) => a + b, 0), 7);
  assert.deepEqual(countsInRange(decodeTile(tileOf(columns, { from: 0, to: 11, pagesPerBin: 1 }, 0)), 1, 8), { counts: new Map([[0, 2], [1, 3], [-2, 1], [-14, 1]]), exact: true });
});

test('windows: a power-of-two bin no finer than a pixel, padded by half the view, aligned, never too many bins', () => {
  assert.deepEqual([0.5, 1, 1.9, 2, 3, 4, 1000].map(binSizeForView), [1, 1, 1, 2, 2, 4, 512]);
  const total = 4 * 1024 * 1024;
  assert.deepEqual(windowFor({ start: 1000, pagesPerPixel: 3, width: 1000 }, total), { from: 0, to: 5500, pagesPerBin: 2 });
  assert.deepEqual(visibleRange({ start: -10.5, pagesPerPixel: 0.25, width: 100 }, total), [0, 15]);
  const next = random(3);
  for (let round = 0; round < 500; round++) {
    const width = 1 + Math.floor(next() * 8000);
    const view: View = { start: next() * total, pagesPerPixel: 2 ** (next() * 16 - 5), width };
    const request = windowFor(view, total);
    const [from, to] = visibleRange(view, total);
    assert.ok(request.from <= from && (to <= request.to || request.to === total), `round ${round}`);
    assert.ok(Math.ceil((request.to - request.from) / request.pagesPerBin) <= MAX_WINDOW_BINS, `round ${round}: too many bins`);
    assert.equal(request.from % request.pagesPerBin, 0);
  }
});

function binsTile(from: number, to: number, size: number): Tile {
  const bins = Math.ceil((to - from) / size);
  return decodeTile({ kind: 'bins', from, to, pagesPerBin: size, statuses: [0], counts: Array.from({ length: bins }, (_, b) => Math.min(size, to - from - b * size)) });
}

test('the store draws from the overview while it is fine enough, else asks for one window at a time', async () => {
  const total = 1 << 20;
  const overview = binsTile(0, total, 256);
  const asked: { from: number; to: number; pagesPerBin: number }[] = [];
  const answers: ((tile: Tile | null) => void)[] = [];
  const store = new TileStore(total, overview, (request) => {
    asked.push(request);
    return new Promise((resolve) => answers.push(resolve));
  });
  let changes = 0;
  store.onChange(() => changes++);
  const wide: View = { start: 0, pagesPerPixel: total / 1000, width: 1000 };
  assert.deepEqual(store.pick(wide), { tile: overview, fine: true });
  assert.equal(asked.length, 0);

  const zoomed: View = { start: 5000, pagesPerPixel: 8, width: 1000 };
  assert.deepEqual(store.pick(zoomed), { tile: overview, fine: false });
  assert.deepEqual(asked, [windowFor(zoomed, total)]);
  // Asking again for the same view, or a view the pending window would serve, sends nothing more.
  store.pick(zoomed);
  const further: View = { start: 200_000, pagesPerPixel: 2, width: 1000 };
  store.pick(further);
  assert.equal(asked.length, 1, 'one request in flight');
  (answers.shift() as (tile: Tile | null) => void)(binsTile(asked[0]!.from, asked[0]!.to, 8));
  await Promise.resolve();
  assert.equal(changes, 1);
  // The queued view is asked for once the first answer is in.
  assert.deepEqual(asked[1], windowFor(further, total));
  assert.equal(store.pick(zoomed).fine, true);
  assert.equal(store.pick(zoomed).tile.kind === 'bins' && store.pick(zoomed).tile.from, asked[0]!.from);

  // An answer of nothing (a newer scan replied) is not asked for again by this store.
  (answers.shift() as (tile: Tile | null) => void)(null);
  await Promise.resolve();
  store.pick(further);
  assert.equal(asked.length, 2);

  // A store for the next scan draws the previous window meanwhile, marked not fine.
  const next = new TileStore(total, overview, () => new Promise(() => undefined), { stale: store.finest });
  assert.deepEqual(next.pick(zoomed), { tile: store.finest, fine: false });
  // A loader that answers at once (a file opened offline) gives a fine tile in the same pick.
  const local = new TileStore(total, overview, (request) => binsTile(request.from, request.to, request.pagesPerBin));
  assert.equal(local.pick(zoomed).fine, true);
});

test('a poll that changed no page keeps the previous window as exact; any other poll draws it as stale until its own arrives', () => {
  const p = placement(specs.filter((r) => r.status.length > 0));
  const layout = buildLayout(p.regions.map((r) => r.vma), PAGE);
  const summary = summarizePlacement(p, topology([0, 1]), null);
  const overview = overviewOf(columnsOf(p));
  const update = (sequence: number, total: number | null): PlacementUpdate => ({
    sequence,
    placement: summary,
    overview,
    changes: total === null ? null : { total, summary: [], ranges: [], rangesTotal: 0, newPages: 0, gonePages: 0 },
    scanMs: 1,
    locality: null,
  });
  const window = binsTile(0, 10, 1);
  const previous: Shown = { update: update(4, 0), layout, tiles: new TileStore(10, decodeTile(overview), () => null, { current: window }) };
  assert.deepEqual(carriedFrom(previous, update(5, 0), layout), { current: window });
  // Every window held is carried, not only the latest.
  const coarser = binsTile(0, 10, 2);
  const holding: Shown = { ...previous, tiles: new TileStore(10, decodeTile(overview), () => null, { current: window, older: [coarser] }) };
  assert.deepEqual(carriedFrom(holding, update(5, 0), layout), { current: window, older: [coarser] });
  assert.deepEqual(carriedFrom(previous, update(5, 3), layout), { stale: window });
  assert.deepEqual(carriedFrom(previous, update(7, 0), layout), { stale: window }, 'an update was missed');
  assert.deepEqual(carriedFrom(previous, update(5, 0), buildLayout([], PAGE)), {});
  const other = { ...update(5, 0), placement: { ...summary, process: { ...summary.process, startTime: 99 } } };
  assert.deepEqual(carriedFrom(previous, other, layout), {}, 'another process');
});
