/**
 * Drawing a view at once from everything held (model/bins.ts aggregateLayers, and the tiles
 * a TileStore holds): each column from the finest tile that holds all its pages, shares that
 * add up, and nothing invented where no tile holds a column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tileOf } from '../../../app/common/placement-tiles.js';
import { aggregateBins, aggregateLayers, finestCovering, type Bins } from '../../../app/renderer/model/bins.js';
import { buildLayout } from '../../../app/renderer/model/layout.js';
import { TileStore, decodeTile, windowFor, type Tile } from '../../../app/renderer/model/tiles.js';
import { binEdge, type View } from '../../../app/renderer/model/view.js';
import { PAGE, columnsOf, exactTile, placement, random, type RegionSpec } from './helpers.js';

const NODES = [0, 1, 2];

/** 4,096 pages in two regions, in runs of 1 to 40 pages over nodes 0-2 and not present. */
function sample(): { specs: RegionSpec[]; pages: number } {
  const next = random(11);
  const statuses = (n: number): number[] => {
    const out: number[] = [];
    while (out.length < n) {
      const run = 1 + Math.floor(next() * 40);
      const status = [0, 1, 2, -2][Math.floor(next() * 4)] as number;
      for (let i = 0; i < run && out.length < n; i++) out.push(status);
    }
    return out;
  };
  return { specs: [{ start: 0x100000n, status: statuses(1024) }, { start: 0x900000n, status: statuses(3072) }], pages: 4096 };
}

function column(bins: Bins, b: number): number[] {
  const w = bins.view.width;
  return [bins.total[b] as number, bins.absent[b] as number, ...bins.nodes.map((_, s) => bins.onNode[s * w + b] as number), bins.onNode[bins.nodes.length * w + b] as number];
}

/** Whether every page of column b lies in [from, to). */
function holds(view: View, b: number, from: number, to: number): boolean {
  return from <= binEdge(view, b) && binEdge(view, b + 1) <= to;
}

test('a view is drawn from the finest held tile per column: the window where it reaches, the overview elsewhere', () => {
  const { specs } = sample();
  const p = placement(specs);
  const columns = columnsOf(p);
  const layout = buildLayout(p.regions.map((r) => r.vma), PAGE);
  const exact = exactTile(columns);
  const overview = decodeTile(tileOf(columns, { from: 0, to: 4096, pagesPerBin: 64 }, 0));
  const window = decodeTile(tileOf(columns, { from: 1000, to: 2000, pagesPerBin: 4 }, 0));
  assert.equal(overview.kind, 'bins');
  assert.equal(window.kind, 'bins');
  // A view straddling the window's right edge, as after a pan past it.
  const view: View = { start: 1500.3, pagesPerPixel: 3.7, width: 300 };
  const drawn = aggregateLayers(layout, [overview, window], view, NODES);
  assert.deepEqual(aggregateLayers(layout, [window, overview], view, NODES), drawn, 'the order the tiles are given in does not matter');
  const fromWindow = aggregateBins({ layout, tile: window }, view, NODES);
  const fromOverview = aggregateBins({ layout, tile: overview }, view, NODES);
  const truth = aggregateBins({ layout, tile: exact }, view, NODES);
  let sharp = 0;
  for (let b = 0; b < view.width; b++) {
    const got = column(drawn, b);
    if (holds(view, b, window.from, window.to)) {
      sharp++;
      assert.deepEqual(got, column(fromWindow, b), `column ${b} from the window`);
    } else assert.deepEqual(got, column(fromOverview, b), `column ${b} from the overview`);
    // The shares of each column add up to its pages, and its pages are the true ones.
    const [total, absent, ...onNode] = got as [number, number, ...number[]];
    assert.equal(total, column(truth, b)[0]);
    assert.ok(Math.abs(absent + onNode.reduce((a, c) => a + c, 0) - total) < 1e-9, `column ${b} adds up`);
  }
  assert.ok(sharp > 100 && sharp < view.width, `${sharp} columns from the window`);
  // Where both are exact to the page (bins of 4 aligned to the columns), the window's columns equal the truth.
  const aligned: View = { start: 1200, pagesPerPixel: 4, width: 100 };
  const alignedDrawn = aggregateLayers(layout, [overview, window], aligned, NODES);
  const alignedTruth = aggregateBins({ layout, tile: exact }, aligned, NODES);
  for (let b = 0; b < aligned.width; b++) assert.deepEqual(column(alignedDrawn, b), column(alignedTruth, b), `aligned column ${b}`);
});

test('columns that no held tile holds whole are left unknown, not drawn as empty', () => {
  const { specs } = sample();
  const p = placement(specs);
  const columns = columnsOf(p);
  const layout = buildLayout(p.regions.map((r) => r.vma), PAGE);
  const window = decodeTile(tileOf(columns, { from: 1000, to: 2000, pagesPerBin: 4 }, 0));
  const view: View = { start: 900, pagesPerPixel: 10, width: 150 };
  const drawn = aggregateLayers(layout, [window], view, NODES);
  for (let b = 0; b < view.width; b++) {
    const got = column(drawn, b);
    if (holds(view, b, window.from, window.to)) assert.ok((got[0] as number) > 0, `column ${b} drawn`);
    else assert.deepEqual(got, [0, 0, 0, 0, 0, 0], `column ${b} (pages ${binEdge(view, b)}-${binEdge(view, b + 1)}) unknown`);
  }
  // Zoomed past single pages: a column shows its one page if a tile holds it.
  const deep: View = { start: 1995, pagesPerPixel: 0.25, width: 40 };
  const deepDrawn = aggregateLayers(layout, [window], deep, NODES);
  assert.equal(deepDrawn.total[0], 1);
  assert.equal(deepDrawn.total[39], 0, 'page 2004 is past the window');
  assert.equal(aggregateLayers(layout, [], view, NODES).total.some((t) => t !== 0), false);
});

test('the finest tile holding a range is the one hover reads', () => {
  const { specs } = sample();
  const columns = columnsOf(placement(specs));
  const overview = decodeTile(tileOf(columns, { from: 0, to: 4096, pagesPerBin: 64 }, 0));
  const window = decodeTile(tileOf(columns, { from: 1000, to: 2000, pagesPerBin: 4 }, 0));
  assert.equal(finestCovering([overview, window], 1200, 1210), window);
  assert.equal(finestCovering([window, overview], 1990, 2010), overview);
  assert.equal(finestCovering([window], 3000, 3010), null);
});

function binsTile(from: number, to: number, size: number): Tile {
  const bins = Math.ceil((to - from) / size);
  return decodeTile({ kind: 'bins', from, to, pagesPerBin: size, statuses: [0], counts: Array.from({ length: bins }, (_, b) => Math.min(size, to - from - b * size)) });
}

test('the store keeps the windows it received, so a late answer for an older view is drawn where it reaches, not over the newer view', async () => {
  const total = 1 << 20;
  const overview = binsTile(0, total, 256);
  const asked: { from: number; to: number; pagesPerBin: number }[] = [];
  const answers: ((tile: Tile | null) => void)[] = [];
  const store = new TileStore(total, overview, (request) => {
    asked.push(request);
    return new Promise((resolve) => answers.push(resolve));
  });
  const first: View = { start: 5000, pagesPerPixel: 8, width: 1000 };
  const second: View = { start: 400_000, pagesPerPixel: 8, width: 1000 };
  store.pick(first);
  store.pick(second);
  assert.deepEqual(store.layers, [overview]);
  // The answer for the first view arrives after the user moved on to the second.
  const late = binsTile(asked[0]!.from, asked[0]!.to, 8);
  answers.shift()!(late);
  await Promise.resolve();
  assert.deepEqual(store.layers, [overview, late]);
  assert.deepEqual(store.pick(second), { tile: overview, fine: false }, 'the late window does not serve the newer view');
  assert.deepEqual(asked[1], windowFor(second, total));
  const current = binsTile(asked[1]!.from, asked[1]!.to, 8);
  answers.shift()!(current);
  await Promise.resolve();
  assert.deepEqual(store.pick(second), { tile: current, fine: true });
  // Back at the first view: its window is still held, so it is sharp at once, without a request.
  assert.deepEqual(store.pick(first), { tile: late, fine: true });
  assert.equal(asked.length, 2);
  assert.deepEqual(store.layers, [overview, late, current]);
  assert.equal(store.current, current);
});

test('a new scan draws the previous scan\'s window only until its own first window arrives', async () => {
  const total = 1 << 20;
  const overview = binsTile(0, total, 256);
  const stale = binsTile(0, 20_000, 8);
  let answer: (tile: Tile | null) => void = () => undefined;
  const store = new TileStore(total, overview, () => new Promise((resolve) => (answer = resolve)), { stale });
  const view: View = { start: 5000, pagesPerPixel: 8, width: 1000 };
  assert.deepEqual(store.pick(view), { tile: stale, fine: false });
  assert.deepEqual(store.layers, [overview, stale]);
  const fresh = binsTile(0, 20_000, 8);
  answer(fresh);
  await Promise.resolve();
  assert.deepEqual(store.layers, [overview, fresh]);
});

test('a poll that changed no page carries every window held, so the view stays sharp wherever they reach', async () => {
  const total = 1 << 20;
  const overview = binsTile(0, total, 256);
  const answers: ((tile: Tile | null) => void)[] = [];
  const store = new TileStore(total, overview, () => new Promise((resolve) => answers.push(resolve)));
  const first = binsTile(0, 20_000, 8);
  const second = binsTile(400_000, 420_000, 8);
  store.pick({ start: 5000, pagesPerPixel: 8, width: 1000 });
  answers.shift()!(first);
  await Promise.resolve();
  store.pick({ start: 405_000, pagesPerPixel: 8, width: 1000 });
  answers.shift()!(second);
  await Promise.resolve();
  assert.deepEqual(store.older, [first]);
  const next = new TileStore(total, overview, () => null, { current: store.current, older: store.older });
  assert.deepEqual(next.layers, [overview, first, second]);
  assert.deepEqual(next.pick({ start: 5000, pagesPerPixel: 8, width: 1000 }), { tile: first, fine: true });
});
