import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  basePagesPerPixel,
  focusView,
  keyCommand,
  maxScale,
  mouseDownPans,
  reanchoredView,
  transformOfView,
  viewOfTransform,
  wheelPanPixels,
  wheelZooms,
} from '../../../app/renderer/heatmap/zoom.js';
import { buildLayout } from '../../../app/renderer/model/layout.js';
import { PAGE } from './helpers.js';

const region = (start: bigint, pages: number) => ({ start, end: start + BigInt(pages * PAGE), name: 'anonymous', path: '', perms: 'rw-p', kind: 'anon' as const });

test('a zoom transform and the view it shows convert into each other', () => {
  const base = basePagesPerPixel(1_000_000, 1000);
  assert.equal(base, 1000);
  assert.equal(basePagesPerPixel(0, 0), 1);
  assert.deepEqual(viewOfTransform({ k: 1, x: 0 }, base, 1000), { start: -0, pagesPerPixel: 1000, width: 1000 });
  const view = viewOfTransform({ k: 8, x: -2400 }, base, 1000);
  assert.deepEqual(view, { start: 300_000, pagesPerPixel: 125, width: 1000 });
  assert.deepEqual(transformOfView(view, base), { k: 8, x: -2400 });
  // Never zoomed out past the whole layout.
  assert.equal(transformOfView({ start: 0, pagesPerPixel: 5000, width: 1000 }, base).k, 1);
  // The deepest zoom is 32 pixels a page; a layout narrower than the width cannot zoom.
  assert.equal(maxScale(base), 32_000);
  assert.equal(maxScale(basePagesPerPixel(10, 1000)), 1);
});

test('a layout that changes under a zoomed view keeps the same addresses at the left edge', () => {
  const before = buildLayout([region(0x10000n, 100), region(0x7f0000000000n, 1000)], PAGE);
  const view = { start: 150, pagesPerPixel: 0.5, width: 400 };
  // The heap grew by 60 pages: the second region now starts 60 pages later in the layout.
  const grown = buildLayout([region(0x10000n, 160), region(0x7f0000000000n, 1000)], PAGE);
  assert.deepEqual(reanchoredView({ layout: before, view }, grown, 400), { start: 210, pagesPerPixel: 0.5, width: 400 });
  // A new region before it shifts it too.
  const added = buildLayout([region(0x1000n, 8), region(0x10000n, 100), region(0x7f0000000000n, 1000)], PAGE);
  assert.deepEqual(reanchoredView({ layout: before, view }, added, 400), { start: 158, pagesPerPixel: 0.5, width: 400 });
  // The region at the left edge is gone: nothing to anchor to.
  const gone = buildLayout([region(0x10000n, 100)], PAGE);
  assert.equal(reanchoredView({ layout: before, view }, gone, 400), null);
  assert.equal(reanchoredView({ layout: before, view: { ...view, start: 5000 } }, grown, 400), null);
});

test('a focus request shows the span with a little margin, no deeper than 32 pixels a page', () => {
  const layout = buildLayout([region(0x10000n, 100_000)], PAGE);
  const view = focusView(layout, 1000, 10_000, 20_000);
  assert.ok(view.start < 10_000 && view.start + view.pagesPerPixel * 1000 > 20_000);
  assert.ok(Math.abs(view.pagesPerPixel - 10.4) < 1e-9);
  assert.equal(focusView(layout, 1000, 50, 51).pagesPerPixel, 1 / 32);
});

test('which wheel turns zoom, which pan and by how much, and which drags pan', () => {
  assert.equal(wheelZooms({ deltaX: 0, deltaY: 100, shiftKey: false }), true);
  assert.equal(wheelZooms({ deltaX: 0, deltaY: 100, shiftKey: true }), false);
  assert.equal(wheelZooms({ deltaX: 30, deltaY: 10, shiftKey: false }), false);
  assert.equal(wheelPanPixels({ deltaX: 0, deltaY: 100, shiftKey: false }), null);
  assert.equal(wheelPanPixels({ deltaX: 0, deltaY: 100, shiftKey: true }), 100);
  assert.equal(wheelPanPixels({ deltaX: 40, deltaY: 0, shiftKey: true }), 40);
  assert.equal(wheelPanPixels({ deltaX: 30, deltaY: 10, shiftKey: false }), 30);
  assert.equal(mouseDownPans(0, true, false), true);
  assert.equal(mouseDownPans(0, false, true), true);
  assert.equal(mouseDownPans(0, false, false), false);
  assert.equal(mouseDownPans(2, true, true), false);
});

test('keys pan by 15% of the width, zoom by 1.5, reset, and clear the selection', () => {
  assert.deepEqual(keyCommand('ArrowLeft', 1000), { kind: 'pan', pixels: 150 });
  assert.deepEqual(keyCommand('ArrowRight', 1000), { kind: 'pan', pixels: -150 });
  assert.deepEqual(keyCommand('+', 1000), { kind: 'zoom', factor: 1.5 });
  assert.deepEqual(keyCommand('=', 1000), { kind: 'zoom', factor: 1.5 });
  assert.deepEqual(keyCommand('-', 1000), { kind: 'zoom', factor: 1 / 1.5 });
  assert.deepEqual(keyCommand('0', 1000), { kind: 'reset' });
  assert.deepEqual(keyCommand('Home', 1000), { kind: 'reset' });
  assert.deepEqual(keyCommand('Escape', 1000), { kind: 'clear-selection' });
  assert.equal(keyCommand('a', 1000), null);
});
