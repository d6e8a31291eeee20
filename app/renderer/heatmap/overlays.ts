/**
 * What is drawn over the canvases as HTML: the rubber band of a brush in progress, the
 * boxes of the current selection, and the status line of the view.
 */
import type { PageSpan } from '../model/bins.js';
import { plural } from '../model/format.js';
import { fitView, pageOfX, xOfPage, type View } from '../model/view.js';

/** A brush in progress on one panel, in CSS pixels from the panel's left edge. */
export interface Brush {
  node: number;
  x0: number;
  x1: number;
}

export interface OverlayBox {
  left: number;
  width: number;
  key: string;
  /** The rubber band of a brush in progress (not yet a selection). */
  live: boolean;
}

/** The brush while one is drawn, otherwise each selected span in view (at least 2 px wide, to stay visible). */
export function selectionBoxes(brush: Brush | null, selected: readonly PageSpan[], view: View): OverlayBox[] {
  if (brush !== null) {
    return [{ left: Math.min(brush.x0, brush.x1), width: Math.max(1, Math.abs(brush.x1 - brush.x0)), key: 'brush', live: true }];
  }
  const boxes: OverlayBox[] = [];
  for (const span of selected) {
    const left = Math.max(0, xOfPage(view, span.start));
    const right = Math.min(view.width, xOfPage(view, span.end));
    if (right < 0 || left > view.width) continue;
    boxes.push({ left, width: Math.max(2, right - left), key: `${span.start}`, live: false });
  }
  return boxes;
}

/** Whether pixel x of the view falls on a selected page (a drag from there carries the selection). */
export function insideSelection(view: View, selected: readonly PageSpan[], x: number): boolean {
  const page = pageOfX(view, x);
  return selected.some((s) => page >= s.start && page < s.end);
}

export interface ViewStatus {
  /** First and end layout page in view. */
  from: number;
  to: number;
  /** Pages shown, rounded. */
  pages: number;
  /** "N pages a pixel" or, zoomed past single pages, "N pixels a page". */
  zoom: string;
}

export function viewStatus(view: View, totalPages: number): ViewStatus {
  const from = Math.max(0, view.start);
  const to = Math.min(totalPages, pageOfX(view, view.width));
  const zoom =
    view.pagesPerPixel >= 1 ? `${plural(Math.round(view.pagesPerPixel), 'page')} a pixel` : `${plural(Math.round(1 / view.pagesPerPixel), 'pixel')} a page`;
  return { from, to, pages: Math.max(0, Math.round(to - from)), zoom };
}

/** A place the user went to ("go to"): layout pages [from, to) and what it was called. */
export interface GoToMark {
  from: number;
  to: number;
  label: string;
}

/** The mark's box in the view, at least 3 px wide so a single page stays visible at any zoom; null when out of view. */
export function markBox(mark: GoToMark | null, view: View): { left: number; width: number } | null {
  if (mark === null) return null;
  const left = xOfPage(view, mark.from);
  const right = xOfPage(view, mark.to);
  if (right < 0 || left > view.width) return null;
  const width = Math.max(3, right - left);
  return { left: right - left < 3 ? (left + right) / 2 - 1.5 : left, width };
}

/** Narrowest the minimap's window is drawn, so it stays findable at any zoom. */
const MIN_WINDOW_WIDTH = 7;

/** Where the visible window sits on the minimap, in CSS pixels. */
export function minimapWindow(totalPages: number, view: View): { left: number; width: number } {
  const whole = fitView({ pageSize: 1, regions: [], totalPages }, view.width);
  const left = Math.max(0, xOfPage(whole, view.start));
  const right = Math.min(view.width, xOfPage(whole, view.start + view.width * view.pagesPerPixel));
  // A window narrower than the minimum keeps its centre where the view's centre is.
  const width = Math.max(MIN_WINDOW_WIDTH, right - left);
  const start = right - left < width ? (left + right) / 2 - width / 2 : left;
  return { left: Math.min(Math.max(0, start), view.width - width), width };
}
