import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawAttributes, drawCause, paintOptions, separatorColumns } from '../../../app/renderer/heatmap/frame-plan.js';
import { EXPORT_LABEL_HEIGHT, exportLayout, exportTitle } from '../../../app/renderer/heatmap/export-layout.js';
import { insideSelection, selectionBoxes, viewStatus } from '../../../app/renderer/heatmap/overlays.js';
import type { DrawDetail } from '../../../app/renderer/heatmap/marks.js';
import { scaleView, type View } from '../../../app/renderer/model/view.js';

test('region separators go at whole device pixels and never closer than 3 CSS pixels', () => {
  const css: View = { start: 0, pagesPerPixel: 10, width: 100 };
  // Pages 0, 15 and 20 are 0, 1.5 and 2 CSS pixels apart: only the first of a crowd is drawn.
  assert.deepEqual(separatorColumns(css, [0, 15, 20, 40, 100, 999], 1), [0, 4, 10, 100]);
  // At dpr 2 the same pages are twice as many device pixels apart, and the gap must be 6.
  const device = scaleView(css, 2);
  assert.deepEqual(separatorColumns(device, [0, 15, 20, 40, 100], 2), [0, 8, 20]);
  assert.deepEqual(separatorColumns(css, [], 1), []);
});

test('a draw is put down to new data before a pan or zoom, before a finer tile', () => {
  const data = {};
  const view: View = { start: 0, pagesPerPixel: 1, width: 10 };
  const before = { data, view, tileVersion: 1 };
  assert.equal(drawCause(before, { data: {}, view: { ...view }, tileVersion: 2 }), 'data');
  assert.equal(drawCause(before, { data, view: { ...view }, tileVersion: 2 }), 'view');
  assert.equal(drawCause(before, { data, view, tileVersion: 2 }), 'tile');
  assert.equal(drawCause(before, { data, view, tileVersion: 1 }), 'other');
  assert.equal(drawCause({ data: null, view: null, tileVersion: 0 }, before), 'data');
});

test('the figures a draw leaves on the page', () => {
  const detail: DrawDetail = {
    cause: 'view',
    fine: false,
    tile: 'bins:512',
    pagesPerPixel: 2,
    panels: 4,
    sinceInput: 3,
    aggregateMs: 1.234,
    paintMs: 2.25,
    putMs: 0.04,
    rulerMs: 0.96,
  };
  assert.deepEqual(drawAttributes(4.56, detail, 4), {
    drawMs: '4.6',
    aggregateMs: '1.2',
    timing: 'paint 2.3 put 0.0 ruler 1.0',
    pagesPerPixel: '4',
    tile: 'bins:512',
    fine: 'false',
  });
  assert.deepEqual(paintOptions(1), { markerRows: 4, hatchPeriod: 4 });
  assert.deepEqual(paintOptions(2), { markerRows: 8, hatchPeriod: 8 });
  assert.deepEqual(paintOptions(0.5), { markerRows: 2, hatchPeriod: 3 });
});

test('the PNG stacks a title, the ruler, then a label and the picture of each node', () => {
  const L = EXPORT_LABEL_HEIGHT;
  const panels = [
    { node: 0, width: 800, height: 56 },
    { node: 2, width: 800, height: 56 },
  ];
  assert.deepEqual(exportLayout(panels, 22), {
    width: 800,
    height: L + 22 + 2 * (L + 56),
    rulerY: L,
    panels: [
      { node: 0, labelY: L + 22, imageY: L + 22 + L },
      { node: 2, labelY: L + 22 + L + 56, imageY: L + 22 + L + 56 + L },
    ],
  });
  assert.deepEqual(exportLayout(panels.slice(0, 1), null), { width: 800, height: L + L + 56, rulerY: null, panels: [{ node: 0, labelY: L, imageY: 2 * L }] });
  assert.equal(exportLayout([], 22), null);
  assert.equal(exportTitle({ pid: 4242, comm: 'target' }, '2025-01-31T12:00:00.000Z'), 'numascope · pid 4242 target · 2025-01-31T12:00:00.000Z');
});

test('selection boxes: the rubber band while brushing, else the selected spans in view', () => {
  const view: View = { start: 100, pagesPerPixel: 2, width: 200 };
  const selected = [
    { start: 0, end: 50 }, // left of the view
    { start: 90, end: 110 }, // straddles the left edge
    { start: 200, end: 201 }, // half a pixel: widened to 2
    { start: 480, end: 900 }, // runs past the right edge
    { start: 600, end: 700 }, // right of the view
  ];
  assert.deepEqual(selectionBoxes(null, selected, view), [
    { left: 0, width: 5, key: '90', live: false },
    { left: 50, width: 2, key: '200', live: false },
    { left: 190, width: 10, key: '480', live: false },
  ]);
  assert.deepEqual(selectionBoxes({ node: 1, x0: 40, x1: 10 }, selected, view), [{ left: 10, width: 30, key: 'brush', live: true }]);
  assert.deepEqual(selectionBoxes({ node: 1, x0: 40, x1: 40 }, selected, view), [{ left: 40, width: 1, key: 'brush', live: true }]);
  assert.equal(insideSelection(view, selected, 50), true); // page 200
  assert.equal(insideSelection(view, selected, 51), false); // page 202
  assert.equal(insideSelection(view, selected, 2), true); // page 104
});

test('the status line counts the pages in view and says how far it is zoomed', () => {
  assert.deepEqual(viewStatus({ start: 0, pagesPerPixel: 2048, width: 1000 }, 1_000_000), { from: 0, to: 1_000_000, pages: 1_000_000, zoom: '2,048 pages a pixel' });
  assert.deepEqual(viewStatus({ start: 500, pagesPerPixel: 0.25, width: 800 }, 1_000_000), { from: 500, to: 700, pages: 200, zoom: '4 pixels a page' });
  // One of each reads in the singular: "1 page a pixel", never "1 pages".
  assert.equal(viewStatus({ start: 0, pagesPerPixel: 1, width: 1000 }, 1_000_000).zoom, '1 page a pixel');
});
