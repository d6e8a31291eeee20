import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOfPage,
  boundariesBetween,
  buildLayout,
  locatePage,
  positionOfAddress,
  regionIndexAtPage,
  regionsBetween,
} from '../../../app/renderer/model/layout.js';
import { fitView, pageAtX, scaleView, viewOfSpan, xOfAddress, xOfPage, pageOfX, type View } from '../../../app/renderer/model/view.js';
import { PAGE, data } from './helpers.js';

// Three regions with gaps between them, and an empty one: 4 + 2 + 0 + 3 pages.
const sample = data([
  { start: 0x10000n, status: [0, 0, 1, 1], name: '[heap]', kind: 'heap' },
  { start: 0x7f0000000000n, status: [0, -2] },
  { start: 0x7f0000100000n, status: [] },
  { start: 0x7ffc00000000n, status: [1, 1, 0], name: '[stack]', kind: 'stack' },
]);
const layout = sample.layout;

test('layout lays regions end to end with the gaps removed', () => {
  assert.deepEqual(
    layout.regions.map((r) => [r.offset, r.pages, r.name]),
    [
      [0, 4, '[heap]'],
      [4, 2, 'anonymous'],
      [6, 0, 'anonymous'],
      [6, 3, '[stack]'],
    ],
  );
  assert.equal(layout.totalPages, 9);
  assert.deepEqual(boundariesBetween(layout, 0, 9), [4, 6]);
  assert.deepEqual(boundariesBetween(layout, 4, 9), [6]);
  assert.deepEqual(regionsBetween(layout, 3, 7), [0, 1, 3]);
  assert.deepEqual(regionsBetween(layout, 4, 6), [1]);
});

test('layout refuses overlapping or unsorted regions', () => {
  const vma = (start: bigint, end: bigint) => ({ start, end, name: 'x', path: '', perms: 'rw-p', kind: 'anon' as const });
  assert.throws(() => buildLayout([vma(0x2000n, 0x4000n), vma(0x3000n, 0x5000n)], PAGE), /overlaps/);
});

test('pages map to regions and addresses, skipping empty regions', () => {
  assert.deepEqual([0, 3, 4, 5, 6, 8, 9, -1].map((p) => regionIndexAtPage(layout, p)), [0, 0, 1, 1, 3, 3, -1, -1]);
  assert.equal(addressOfPage(layout, 0), 0x10000n);
  assert.equal(addressOfPage(layout, 3), 0x13000n);
  assert.equal(addressOfPage(layout, 5), 0x7f0000001000n);
  assert.equal(addressOfPage(layout, 6), 0x7ffc00000000n);
  assert.equal(addressOfPage(layout, 9), null);
  const located = locatePage(layout, 7.9);
  assert.equal(located?.region.name, '[stack]');
  assert.equal(located?.pageInRegion, 1);
  assert.equal(located?.address, 0x7ffc00001000n);
});

test('addresses map to layout positions; unmapped ones collapse onto the gap edge', () => {
  assert.deepEqual(positionOfAddress(layout, 0x10000n), { page: 0, mapped: true, fraction: 0 });
  assert.deepEqual(positionOfAddress(layout, 0x12800n), { page: 2, mapped: true, fraction: 0.5 });
  assert.deepEqual(positionOfAddress(layout, 0x0n), { page: 0, mapped: false, fraction: 0 });
  // The end of the heap and anything up to the next region share one position.
  assert.deepEqual(positionOfAddress(layout, 0x14000n), { page: 4, mapped: false, fraction: 0 });
  assert.deepEqual(positionOfAddress(layout, 0x6000000000n), { page: 4, mapped: false, fraction: 0 });
  assert.deepEqual(positionOfAddress(layout, 0x7f0000001fffn), { page: 5, mapped: true, fraction: 4095 / 4096 });
  assert.deepEqual(positionOfAddress(layout, 0x7ffc00002000n), { page: 8, mapped: true, fraction: 0 });
  assert.deepEqual(positionOfAddress(layout, 0x7ffc00003000n), { page: 9, mapped: false, fraction: 0 });
  assert.deepEqual(positionOfAddress(layout, 0xffffffffffffn), { page: 9, mapped: false, fraction: 0 });
});

test('address -> x -> address round-trips at every zoom', () => {
  const views: View[] = [
    { start: 0, pagesPerPixel: 1, width: 9 },
    { start: 0, pagesPerPixel: 3, width: 3 },
    { start: 2.5, pagesPerPixel: 0.25, width: 16 },
    fitView(layout, 1000),
  ];
  for (const view of views) {
    for (let page = 0; page < layout.totalPages; page++) {
      const address = addressOfPage(layout, page) as bigint;
      const x = xOfAddress(layout, view, address);
      assert.equal(x, xOfPage(view, page));
      // Any x inside the page (edges are left to floating point) maps back to the page's address.
      for (const into of [0.001, 0.5, 0.999]) {
        const at = pageAtX(layout, view, x + into / view.pagesPerPixel);
        assert.equal(at?.address, address, `view ${JSON.stringify(view)} page ${page} +${into}`);
      }
    }
  }
  const view = { start: 0, pagesPerPixel: 2, width: 5 };
  assert.equal(xOfAddress(layout, view, 0x7f0000000800n), (4 + 0.5) / 2);
  assert.equal(pageAtX(layout, view, 4.5), null);
  assert.equal(pageAtX(layout, view, -0.1), null);
  assert.equal(pageOfX(view, 3), 6);
});

test('views fit the layout, zoom onto a span, and scale to device pixels', () => {
  assert.deepEqual(fitView(layout, 3), { start: 0, pagesPerPixel: 3, width: 3 });
  assert.deepEqual(scaleView({ start: 1, pagesPerPixel: 3, width: 100 }, 2), { start: 1, pagesPerPixel: 1.5, width: 200 });
  const onStack = viewOfSpan(layout, 100, 6, 9, 0);
  // 32 pixels a page at most, centred on the span and kept inside the layout.
  assert.deepEqual(onStack, { start: 5.875, pagesPerPixel: 0.03125, width: 100 });
  // Never wider than the whole layout, never past its ends.
  assert.deepEqual(viewOfSpan(layout, 3, 0, 9, 0.5), { start: 0, pagesPerPixel: 3, width: 3 });
  const nearEnd = viewOfSpan(layout, 2, 8, 9, 0);
  assert.equal(nearEnd.start + nearEnd.pagesPerPixel * nearEnd.width <= 9, true);
});
