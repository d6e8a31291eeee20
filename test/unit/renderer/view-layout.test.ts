/** The pure parts of the view's layout: hiding regions, the address axis, elided labels, finding a region or page. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tileOf } from '../../../app/common/placement-tiles.js';
import { addressTicks, AXIS_CHAR_WIDTH } from '../../../app/renderer/model/axis.js';
import { findInLayout, parseLooseAddress, regionMatches } from '../../../app/renderer/model/find.js';
import { PageMap, shownTile } from '../../../app/renderer/model/hidden-regions.js';
import { buildLayout, filterLayout, regionByIndex, type Layout } from '../../../app/renderer/model/layout.js';
import { countsInRange, decodeTile } from '../../../app/renderer/model/tiles.js';
import { fitView, viewOfSpan } from '../../../app/renderer/model/view.js';
import { bestLabel, elide } from '../../../app/renderer/heatmap/labels.js';
import { markBox, minimapWindow } from '../../../app/renderer/heatmap/overlays.js';
import { columnsOf, PAGE, placement } from './helpers.js';

/** Three regions: 3 pages on node 0, 6 pages not present (a region to hide), 3 pages on nodes 1, 1 and not present. */
const SPECS = [
  { start: 0x10000n, status: [0, 0, 0] },
  { start: 0x40000n, status: [-2, -2, -2, -2, -2, -2] },
  { start: 0x90000n, status: [1, 1, -14], name: 'libc.so.6' },
];

function wholeLayout(): Layout {
  return buildLayout(placement(SPECS).regions.map((r) => r.vma), PAGE);
}

describe('hiding regions with no page present', () => {
  const whole = wholeLayout();
  const shown = filterLayout(whole, (r) => r.index !== 1);
  const map = new PageMap(whole, shown);
  const columns = columnsOf(placement(SPECS));

  it('lays the kept regions end to end and keeps their vma index', () => {
    assert.equal(shown.totalPages, 6);
    assert.deepEqual(
      shown.regions.map((r) => [r.index, r.offset]),
      [
        [0, 0],
        [2, 3],
      ],
    );
    assert.equal(regionByIndex(shown, 2)?.name, 'libc.so.6');
    assert.equal(regionByIndex(shown, 1), undefined);
  });

  it('maps pages both ways, a hidden page onto the next shown one', () => {
    assert.equal(map.toShown(2), 2);
    assert.equal(map.toShown(5), 3);
    assert.equal(map.toShown(10), 4);
    assert.equal(map.toFull(3), 9);
    assert.equal(map.shownPagesIn(0, 12), 6);
  });

  it('turns an exact tile into one of the shown layout, page for page', () => {
    const tile = shownTile(decodeTile(tileOf(columns, { from: 0, to: 12, pagesPerBin: 1 })), map);
    assert.equal(tile.to - tile.from, 6);
    assert.deepEqual([...countsInRange(tile, 0, 6).counts].sort((a, b) => a[0] - b[0]), [
      [-14, 1],
      [0, 3],
      [1, 2],
    ]);
    assert.deepEqual([...countsInRange(tile, 3, 5).counts], [[1, 2]]);
  });

  it('takes the hidden pages off the not-present count of bins that straddle a hidden region', () => {
    // Bins of 4: [0 0 0 -2] [-2 -2 -2 -2] [-2 1 1 -14]; the maxRuns of 0 forces bins.
    const binned = decodeTile(tileOf(columns, { from: 0, to: 12, pagesPerBin: 4 }, 0));
    assert.equal(binned.kind, 'bins');
    const tile = shownTile(binned, map);
    assert.equal(tile.to - tile.from, 6);
    const counts = countsInRange(tile, 0, 6).counts;
    assert.equal(counts.get(0), 3);
    assert.equal(counts.get(1), 2);
    assert.equal(counts.get(-2), undefined);
    assert.equal(counts.get(-14), 1);
  });
});

describe('the address axis', () => {
  const layout = buildLayout(
    [
      { start: 0x555500000000n, end: 0x555500004000n, name: 'exe', path: '/bin/exe', perms: 'r-xp', kind: 'file' },
      { start: 0x7f0000000000n, end: 0x7f0040000000n, name: 'anonymous', path: '', perms: 'rw-p', kind: 'anon' },
    ],
    PAGE,
  );

  for (const [name, view] of [
    ['the whole layout', fitView(layout, 1200)],
    ['a few pages', viewOfSpan(layout, 1200, 100_000, 100_040)],
    ['one page', viewOfSpan(layout, 1200, 100_000, 100_001, 0, 1 / 32)],
  ] as const) {
    it(`labels ${name} with hex addresses that do not overlap and stay inside the width`, () => {
      const ticks = addressTicks(layout, view);
      assert.ok(ticks.length >= 1, `${ticks.length} ticks`);
      for (const tick of ticks) {
        assert.match(tick.label, /^0x[0-9a-f]+$/);
        assert.ok(tick.x >= 0 && tick.x + tick.label.length * AXIS_CHAR_WIDTH <= view.width, `${tick.label} at ${tick.x}`);
      }
      for (let i = 1; i < ticks.length; i++) assert.ok((ticks[i]?.x ?? 0) - (ticks[i - 1]?.x ?? 0) >= 14 * AXIS_CHAR_WIDTH, 'labels crowd');
    });
  }

  it('puts ticks on round addresses, and one at each region start in view', () => {
    const ticks = addressTicks(layout, fitView(layout, 1200));
    assert.ok(ticks.some((t) => t.regionStart && t.address === 0x555500000000n));
    const zoomed = addressTicks(layout, viewOfSpan(layout, 1200, 4 + 1000, 4 + 2000));
    const inner = zoomed.filter((t) => !t.regionStart);
    assert.ok(inner.length >= 3);
    const step = (inner[1]?.address ?? 0n) - (inner[0]?.address ?? 0n);
    assert.equal(step & (step - 1n), 0n, `step ${step} is not a power of two`);
    for (const t of inner) assert.equal(t.address % step, 0n);
  });
});

describe('labels in a fixed width', () => {
  const measure = (s: string): number => s.length * 6;
  it('keeps what fits, elides with an ellipsis, and hides what would say nothing', () => {
    assert.equal(elide('anonymous', 60, measure), 'anonymous');
    assert.equal(elide('anonymous', 42, measure), 'anonym…');
    assert.equal(elide('anonymous', 20, measure), '');
    assert.equal(bestLabel(['anonymous 0x7f00 64 MiB', 'anonymous 64 MiB', 'anonymous'], 100, measure), 'anonymous 64 MiB');
  });
});

describe('finding a region or a page', () => {
  const layout = buildLayout(
    [
      { start: 0x555500000000n, end: 0x555500021000n, name: '[heap]', path: '[heap]', perms: 'rw-p', kind: 'heap' },
      { start: 0x7f0000000000n, end: 0x7f0000010000n, name: 'libc.so.6', path: '/usr/lib/libc.so.6', perms: 'r--p', kind: 'file' },
      { start: 0x7f0000010000n, end: 0x7f0000020000n, name: 'libcrypto.so.3', path: '/usr/lib/libcrypto.so.3', perms: 'r-xp', kind: 'file' },
    ],
    PAGE,
  );

  it('reads hex with or without 0x', () => {
    assert.equal(parseLooseAddress('0x7F00'), 0x7f00n);
    assert.equal(parseLooseAddress(' 7f00 '), 0x7f00n);
    assert.equal(parseLooseAddress('libc'), null);
  });

  it('finds the page at an address and the region a name names', () => {
    assert.deepEqual(findInLayout(layout, '7f0000012345'), { kind: 'page', region: layout.regions[2], page: 0x21 + 0x10 + 2, address: 0x7f0000012000n });
    const heap = findInLayout(layout, '[heap]');
    assert.equal(heap.kind === 'region' ? heap.region.name : null, '[heap]');
    const libc = findInLayout(layout, 'LIBC');
    assert.equal(libc.kind === 'region' ? libc.region.name : null, 'libc.so.6');
    assert.equal(findInLayout(layout, '0x1000').kind, 'none');
  });

  it('filters by an address inside a region', () => {
    const region = layout.regions[1];
    assert.ok(region);
    assert.ok(regionMatches(region, '7f000000ffff'));
    assert.ok(regionMatches(region, '0x7f0000000001'));
    assert.ok(!regionMatches(region, '7f0000010000'));
  });
});

describe('marks and the minimap window', () => {
  it('keeps a single page at least 3 px wide, centred on it', () => {
    const view = { start: 0, pagesPerPixel: 100, width: 1000 };
    assert.deepEqual(markBox({ from: 500, to: 501, label: '' }, view), { left: 5.005 - 1.5, width: 3 });
    assert.equal(markBox({ from: 200_000, to: 200_001, label: '' }, view), null);
  });

  it('places the window where the view is, at least 7 px wide', () => {
    assert.deepEqual(minimapWindow(1000, { start: 250, pagesPerPixel: 0.5, width: 1000 }), { left: 250, width: 500 });
    const narrow = minimapWindow(1_000_000, { start: 500_000, pagesPerPixel: 0.01, width: 1000 });
    assert.equal(narrow.width, 7);
    assert.ok(Math.abs(narrow.left + 3.5 - 500.005) < 0.01);
  });
});
