/**
 * What part of the layout a heatmap shows: x = (page - start) / pagesPerPixel. The same view
 * serves every node panel, so one x means one address in all of them.
 */
import { locatePage, positionOfAddress, type Layout, type PageLocation } from './layout.js';

export interface View {
  /** Layout page at x = 0 (fractional when zoomed in). */
  start: number;
  /** Pages per pixel; below 1 when zoomed in past single pages. */
  pagesPerPixel: number;
  /** Pixels (bins) across. */
  width: number;
}

/** The whole layout across `width` pixels. */
export function fitView(layout: Layout, width: number): View {
  return { start: 0, pagesPerPixel: Math.max(layout.totalPages, 1) / Math.max(width, 1), width };
}

export function xOfPage(view: View, page: number): number {
  return (page - view.start) / view.pagesPerPixel;
}

export function pageOfX(view: View, x: number): number {
  return view.start + x * view.pagesPerPixel;
}

/** x of an address (its exact byte position); unmapped addresses land on their gap's edge. */
export function xOfAddress(layout: Layout, view: View, address: bigint): number {
  const position = positionOfAddress(layout, address);
  return xOfPage(view, position.page + position.fraction);
}

/** The page under pixel x (the page that holds the pixel's left edge), or null outside the layout. */
export function pageAtX(layout: Layout, view: View, x: number): PageLocation | null {
  return locatePage(layout, pageOfX(view, x));
}

/** The same view at another resolution, e.g. CSS pixels -> device pixels. */
export function scaleView(view: View, factor: number): View {
  return { start: view.start, pagesPerPixel: view.pagesPerPixel / factor, width: Math.round(view.width * factor) };
}

/** A view showing layout pages [from, to) with `pad` of the span on each side, clamped to the layout. */
export function viewOfSpan(layout: Layout, width: number, from: number, to: number, pad = 0.02, minPagesPerPixel = 1 / 32): View {
  const span = Math.max(to - from, 1);
  const padded = span * (1 + 2 * pad);
  const pagesPerPixel = Math.max(Math.min(padded / width, Math.max(layout.totalPages, 1) / width), minPagesPerPixel);
  const visible = pagesPerPixel * width;
  const centre = (from + to) / 2;
  const start = Math.min(Math.max(centre - visible / 2, 0), Math.max(layout.totalPages - visible, 0));
  return { start, pagesPerPixel, width };
}

/**
 * Bin b covers layout pages [binEdge(b), binEdge(b + 1)). Every integer page belongs to
 * exactly one bin when pagesPerPixel >= 1; below that, some bins are empty and show the page
 * under their centre instead (see bins.ts). Aggregation and highlighting both use this one
 * function, so their bins agree to the page.
 */
export function binEdge(view: View, b: number): number {
  return Math.floor(view.start + b * view.pagesPerPixel);
}

/** The page a bin shows when zoomed in past single pages. */
export function binCentrePage(view: View, b: number): number {
  return Math.floor(view.start + (b + 0.5) * view.pagesPerPixel);
}

/** Layout pages the bin under pixel x shows: [binEdge(b), binEdge(b + 1)), or its one page when zoomed in past pages. */
export function binRange(view: View, x: number): [number, number] {
  const b = Math.floor(x);
  if (view.pagesPerPixel < 1) {
    const page = binCentrePage(view, b);
    return [page, page + 1];
  }
  return [binEdge(view, b), binEdge(view, b + 1)];
}
