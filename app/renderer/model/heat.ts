/**
 * Heat as the views draw it: per region of the layout (the table's heat column), as spans of
 * layout pages (the heat band under the heatmaps), and the locality the measurement's report
 * gave each region. Pure, so it is tested without a browser.
 *
 * A region's heat is the heat of its present pages on average: the sum over the heat ranges
 * inside it of (heat x pages), over the pages it has present. Soft-dirty ranges hold written
 * pages only, which are present, so this is the mean over the present pages with unwritten
 * ones counting 0; DAMON ranges may cover absent pages, so the figure is capped at 1.
 */
import type { HeatSection, WireRegionLocality } from '../../common/heat.js';
import type { RegionSummary } from './data.js';
import { positionOfAddress, type Layout, type LayoutRegion } from './layout.js';

export interface HeatSpan {
  /** Layout pages [start, end). */
  start: number;
  end: number;
  heat: number;
  /** The measured range, for the readout. */
  range: { start: string; end: string };
}

type HeatRanges = HeatSection['ranges'];

/** The heat ranges in layout pages; the parts in unmapped gaps have no width and fall away. */
export function heatSpans(layout: Layout, ranges: HeatRanges): HeatSpan[] {
  const out: HeatSpan[] = [];
  for (const range of ranges) {
    const from = positionOfAddress(layout, BigInt(range.start));
    const to = positionOfAddress(layout, BigInt(range.end));
    const end = to.page + (to.fraction > 0 ? 1 : 0);
    if (end > from.page) out.push({ start: from.page, end, heat: range.heat, range: { start: range.start, end: range.end } });
  }
  return out;
}

/** Region index -> heat of its present pages (0..1); regions no range touches are left out. */
export function regionHeat(layout: Layout, summaries: readonly (RegionSummary | undefined)[], ranges: HeatRanges): Map<number, number> {
  const weighted = new Map<number, number>();
  const spans = heatSpans(layout, ranges);
  let r = 0;
  for (const span of spans) {
    while (r < layout.regions.length && endOf(layout.regions[r] as LayoutRegion) <= span.start) r++;
    for (let i = r; i < layout.regions.length; i++) {
      const region = layout.regions[i] as LayoutRegion;
      if (region.offset >= span.end) break;
      const pages = Math.min(span.end, endOf(region)) - Math.max(span.start, region.offset);
      if (pages > 0) weighted.set(region.index, (weighted.get(region.index) ?? 0) + pages * span.heat);
    }
  }
  const out = new Map<number, number>();
  for (const [index, sum] of weighted) {
    const summary = summaries[index];
    const present = summary === undefined ? 0 : summary.pages - summary.absent;
    out.set(index, present > 0 ? Math.min(1, sum / present) : 0);
  }
  return out;
}

function endOf(region: LayoutRegion): number {
  return region.offset + region.pages;
}

/** Region index -> the report's locality for the region with the same bounds. */
export function regionLocality(layout: Layout, regions: readonly WireRegionLocality[]): Map<number, number | null> {
  const byBounds = new Map(regions.map((region) => [`${BigInt(region.start)}-${BigInt(region.end)}`, region.locality]));
  const out = new Map<number, number | null>();
  for (const region of layout.regions) {
    const found = byBounds.get(`${region.start}-${region.end}`);
    if (found !== undefined) out.set(region.index, found);
  }
  return out;
}

/** "12 s ago", "3 min ago", "2 h ago": how old a measurement is. */
export function ageText(endedAt: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(endedAt)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

/** The ranges of a measurement hottest first (bigger first among equals), at most `limit`. */
export function hottestRanges(ranges: HeatRanges, limit: number): HeatRanges {
  const size = (range: HeatRanges[number]): bigint => BigInt(range.end) - BigInt(range.start);
  return [...ranges].sort((a, b) => b.heat - a.heat || (size(b) > size(a) ? 1 : size(b) < size(a) ? -1 : 0)).slice(0, limit);
}

/** The span under layout page `page` (spans in address order, as heatSpans makes them), or null. */
export function spanAtPage(spans: readonly HeatSpan[], page: number): HeatSpan | null {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((spans[mid] as HeatSpan).end <= page) lo = mid + 1;
    else hi = mid;
  }
  const span = spans[lo];
  return span !== undefined && span.start <= page ? span : null;
}
