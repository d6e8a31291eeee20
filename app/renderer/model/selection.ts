/**
 * Selections: what the user brushed or picked, as the address ranges a move request needs
 * (page aligned, clipped to regions) and as the layout spans the heatmaps draw.
 */
import type { AddressRange } from '../../common/address.js';
import type { WireRange } from '../../common/ipc.js';
import { positionOfAddress, regionByIndex, regionsBetween, type Layout, type LayoutRegion } from './layout.js';
import { mergeSpans, type PageSpan } from './bins.js';
import { pageOfX, type View } from './view.js';
import { hex } from './format.js';

/** Selected ranges are page aligned at both ends. */
export type { AddressRange };

/** Layout pages [from, to) as address ranges: one per region they cross, clipped to it. */
export function rangesOfSpan(layout: Layout, from: number, to: number): AddressRange[] {
  const size = BigInt(layout.pageSize);
  const out: AddressRange[] = [];
  for (const index of regionsBetween(layout, from, to)) {
    const region = layout.regions[index] as LayoutRegion;
    const first = Math.max(from, region.offset) - region.offset;
    const last = Math.min(to, region.offset + region.pages) - region.offset;
    if (last > first) out.push({ start: region.start + BigInt(first) * size, end: region.start + BigInt(last) * size });
  }
  return out;
}

/** The pages a pixel range [x0, x1] touches (either order), clamped to the layout; null when it misses the layout. */
export function spanOfPixels(layout: Layout, view: View, x0: number, x1: number): PageSpan | null {
  const lo = Math.min(x0, x1);
  const hi = Math.max(x0, x1);
  const from = Math.max(0, Math.floor(pageOfX(view, lo)));
  let to = Math.min(layout.totalPages, Math.ceil(pageOfX(view, hi)));
  if (from >= layout.totalPages) return null;
  // A click (or a range narrower than a page) still selects the page under it.
  if (to <= from) to = from + 1;
  return { start: from, end: to };
}

export interface PixelSelection {
  span: PageSpan;
  ranges: AddressRange[];
  pages: number;
}

export function selectPixels(layout: Layout, view: View, x0: number, x1: number): PixelSelection | null {
  const span = spanOfPixels(layout, view, x0, x1);
  if (span === null) return null;
  return { span, ranges: rangesOfSpan(layout, span.start, span.end), pages: span.end - span.start };
}

/** Address ranges (any alignment) -> the layout spans of their mapped pages, sorted and merged. */
export function spansOfRanges(layout: Layout, ranges: readonly AddressRange[]): PageSpan[] {
  const spans: PageSpan[] = [];
  for (const range of ranges) {
    if (range.end <= range.start) continue;
    const start = positionOfAddress(layout, range.start).page;
    const end = positionOfAddress(layout, range.end);
    // A range ending inside a page covers that page.
    const stop = end.mapped && end.fraction > 0 ? end.page + 1 : end.page;
    if (stop > start) spans.push({ start, end: stop });
  }
  return mergeSpans(spans);
}

/** The whole regions with vma indices `indices` (LayoutRegion.index), in address order. */
export function regionRanges(layout: Layout, indices: readonly number[]): AddressRange[] {
  return [...new Set(indices)]
    .sort((a, b) => a - b)
    .flatMap((i) => {
      const region = regionByIndex(layout, i);
      return region === undefined || region.pages === 0 ? [] : [{ start: region.start, end: region.end }];
    });
}

export function countPages(ranges: readonly AddressRange[], pageSize: number): number {
  const size = BigInt(pageSize);
  let pages = 0n;
  for (const range of ranges) if (range.end > range.start) pages += (range.end - range.start + size - 1n) / size;
  return Number(pages);
}

export function toWireRanges(ranges: readonly AddressRange[]): WireRange[] {
  return ranges.map((range) => ({ start: hex(range.start), end: hex(range.end) }));
}
