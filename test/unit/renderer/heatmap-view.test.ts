import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawAttributes, drawCause, paintOptions, separatorColumns } from '../../../app/renderer/heatmap/frame-plan.js';
import { EXPORT_AXIS_HEIGHT, EXPORT_LABEL_HEIGHT, EXPORT_LEGEND_LINE, EXPORT_MARGIN, EXPORT_TITLE_HEIGHT, axisTicks, exportLayout, exportTitle, nodeTotalText } from '../../../app/renderer/heatmap/export-layout.js';
import { insideSelection, selectionBoxes, viewStatus } from '../../../app/renderer/heatmap/overlays.js';
import type { DrawDetail } from '../../../app/renderer/heatmap/marks.js';
import { scaleView, type View } from '../../../app/renderer/model/view.js';
import { buildLayout } from '../../../app/renderer/model/layout.js';

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

test('the PNG stacks a title, the legend, the ruler, a label and the picture of each node, then the address axis', () => {
  const L = EXPORT_LABEL_HEIGHT;
  const T = EXPORT_TITLE_HEIGHT;
  const G = EXPORT_LEGEND_LINE;
  const panels = [
    { node: 0, width: 800, height: 56 },
    { node: 2, width: 800, height: 56 },
  ];
  const top = T + 2 * G + 6;
  assert.deepEqual(exportLayout(panels, 22, 2), {
    width: 800 + 2 * EXPORT_MARGIN,
    height: top + 22 + 2 * (L + 56) + EXPORT_AXIS_HEIGHT,
    legendY: T,
    rulerY: top,
    panels: [
      { node: 0, labelY: top + 22, imageY: top + 22 + L },
      { node: 2, labelY: top + 22 + L + 56, imageY: top + 22 + L + 56 + L },
    ],
    axisY: top + 22 + 2 * (L + 56),
  });
  assert.equal(exportLayout(panels.slice(0, 1), null, 1)?.panels[0]?.labelY, T + G + 6);
  assert.equal(exportLayout([], 22, 1), null);
  assert.deepEqual(exportTitle({ process: { pid: 4242, comm: 'redis-server' }, takenAt: '2025-01-31T12:00:00.000Z', kernel: '6.18.0', total: { pages: 1 }, pageSize: 4096 }), [
    'redis-server · pid 4242',
    'taken 2025-01-31 12:00:00 UTC · Linux 6.18.0 · 1 page mapped (4 KiB) · numascope',
  ]);
  assert.equal(nodeTotalText(1, 2048, 4096, 4096), 'node 1: 2,048 pages · 8 MiB · 50%');
});

test('the address axis names the page at evenly spaced columns, skipping the gaps between regions', () => {
  const layout = buildLayout(
    [
      { start: 0x1000n, end: 0x3000n, name: 'a', path: '', perms: 'rw-p', kind: 'anon' },
      { start: 0x7f0000000000n, end: 0x7f0000002000n, name: 'b', path: '', perms: 'rw-p', kind: 'anon' },
    ],
    4096,
  );
  assert.deepEqual(axisTicks(layout, { start: 0, pagesPerPixel: 4 / 400, width: 400 }, 2), [
    { at: 0, label: '0x1000' },
    { at: 0.5, label: '0x7f0000000000' },
    { at: 1, label: '0x7f0000001000' },
  ]);
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
