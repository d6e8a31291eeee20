/**
 * The parts of drawing a frame that are plain arithmetic: where region separators go, why
 * a draw ran, and the figures it leaves on the page for the benchmark and DevTools.
 */
import { xOfPage, type View } from '../model/view.js';
import type { DrawCause, DrawDetail } from './marks.js';

/** Height of one node's panel in CSS pixels. */
export const PANEL_HEIGHT = 56;

/** Per-panel paint settings at a device pixel ratio. */
export function paintOptions(dpr: number): { markerRows: number; hatchPeriod: number } {
  return { markerRows: Math.round(4 * dpr), hatchPeriod: Math.max(3, Math.round(4 * dpr)) };
}

/**
 * Device-pixel x of each region separator, skipping any closer than 3 CSS pixels to the one
 * before, where they would crowd into a solid bar. `boundaries` are layout pages in order.
 */
export function separatorColumns(device: View, boundaries: readonly number[], dpr: number): number[] {
  const columns: number[] = [];
  let last = -Infinity;
  for (const page of boundaries) {
    const x = Math.round(xOfPage(device, page));
    if (x - last < 3 * dpr) continue;
    columns.push(x);
    last = x;
  }
  return columns;
}

/** What a frame was drawn from; compared by identity with the previous frame's. */
export interface FrameInputs<D> {
  data: D | null;
  view: View | null;
  tileVersion: number;
}

/** New data first, then a pan or zoom, then a finer tile; anything else (size, highlights) is 'other'. */
export function drawCause<D>(before: FrameInputs<D>, now: FrameInputs<D>): DrawCause {
  if (before.data !== now.data) return 'data';
  if (before.view !== now.view) return 'view';
  if (before.tileVersion !== now.tileVersion) return 'tile';
  return 'other';
}

/** The data-* attributes a draw leaves on the heatmap container (read by tests and the benchmark). */
export function drawAttributes(drawMs: number, detail: DrawDetail, cssPagesPerPixel: number): Record<string, string> {
  return {
    drawMs: drawMs.toFixed(1),
    aggregateMs: detail.aggregateMs.toFixed(1),
    timing: `paint ${detail.paintMs.toFixed(1)} put ${detail.putMs.toFixed(1)} ruler ${detail.rulerMs.toFixed(1)}`,
    pagesPerPixel: String(cssPagesPerPixel),
    tile: detail.tile,
    fine: String(detail.fine),
  };
}
