import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  countPages,
  rangesOfSpan,
  regionRanges,
  selectPixels,
  spanOfPixels,
  spansOfRanges,
  toWireRanges,
} from '../../../app/renderer/model/selection.js';
import { data } from './helpers.js';

// 4 pages, then 2, then 3, with gaps between.
const { layout } = data([
  { start: 0x10000n, status: [0, 0, 1, 1] },
  { start: 0x40000n, status: [1, 0] },
  { start: 0x90000n, status: [0, 0, 0] },
]);

test('a pixel range becomes page-aligned address ranges clipped to each region it crosses', () => {
  // Two pages a pixel: pixels 1.2..3.5 cover pages 2.4..7 -> pages [2, 7).
  const selection = selectPixels(layout, { start: 0, pagesPerPixel: 2, width: 5 }, 3.5, 1.2);
  assert.deepEqual(selection, {
    span: { start: 2, end: 7 },
    ranges: [
      { start: 0x12000n, end: 0x14000n },
      { start: 0x40000n, end: 0x42000n },
      { start: 0x90000n, end: 0x91000n },
    ],
    pages: 5,
  });
  assert.deepEqual(toWireRanges(selection?.ranges ?? []), [
    { start: '0x12000', end: '0x14000' },
    { start: '0x40000', end: '0x42000' },
    { start: '0x90000', end: '0x91000' },
  ]);
});

test('a click selects the page under it; ranges past the end are clamped or empty', () => {
  const view = { start: 4, pagesPerPixel: 0.25, width: 8 };
  // Pixel 5 of a 4-pixels-a-page view starting at page 4 is page 5.
  assert.deepEqual(selectPixels(layout, view, 5, 5), { span: { start: 5, end: 6 }, ranges: [{ start: 0x41000n, end: 0x42000n }], pages: 1 });
  assert.deepEqual(spanOfPixels(layout, { start: 0, pagesPerPixel: 1, width: 20 }, 7.5, 40), { start: 7, end: 9 });
  assert.equal(spanOfPixels(layout, { start: 0, pagesPerPixel: 1, width: 20 }, 9, 12), null);
  assert.deepEqual(spanOfPixels(layout, { start: 0, pagesPerPixel: 1, width: 20 }, -5, 0.5), { start: 0, end: 1 });
});

test('address ranges become merged layout spans, with unaligned ends rounded outwards', () => {
  assert.deepEqual(
    spansOfRanges(layout, [
      { start: 0x90000n, end: 0x90001n },
      { start: 0x11800n, end: 0x40800n },
      { start: 0x0n, end: 0x1000n },
    ]),
    [
      { start: 1, end: 5 },
      { start: 6, end: 7 },
    ],
  );
  // A range over a gap only has the mapped pages on either side.
  assert.deepEqual(spansOfRanges(layout, [{ start: 0x13000n, end: 0x41000n }]), [{ start: 3, end: 5 }]);
  assert.deepEqual(spansOfRanges(layout, [{ start: 0x20000n, end: 0x30000n }]), []);
  // Spans and ranges convert both ways.
  const ranges = rangesOfSpan(layout, 1, 8);
  assert.deepEqual(spansOfRanges(layout, ranges), [{ start: 1, end: 8 }]);
});

test('regions selected in the table become whole-region ranges in address order', () => {
  assert.deepEqual(regionRanges(layout, [2, 0, 2]), [
    { start: 0x10000n, end: 0x14000n },
    { start: 0x90000n, end: 0x93000n },
  ]);
  assert.equal(countPages(regionRanges(layout, [0, 1, 2]), 4096), 9);
  assert.equal(countPages([{ start: 0x1000n, end: 0x1001n }], 4096), 1);
});
