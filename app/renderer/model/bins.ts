/**
 * Pages -> pixel bins: for every column of a heatmap, how many of its pages sit on each node
 * and how many are not present. One pass over the visible pages' Int16Array statuses, with
 * the node lookup a table index rather than a branch, so a 4M-page overview costs a few ms;
 * the result is shared by every node panel and cached per (data, view).
 */
import { regionIndexAtPage, type Layout, type LayoutRegion } from './layout.js';
import { binCentrePage, binEdge, type View } from './view.js';

/** A decoded placement as the views use it: the layout plus per-region statuses in layout order. */
export interface PlacementData {
  layout: Layout;
  /** statuses[i] belongs to layout.regions[i]; one status per page (node id or negative errno). */
  statuses: readonly Int16Array[];
}

export interface Bins {
  view: View;
  /** Node ids in slot order. */
  nodes: readonly number[];
  /** Pages per bin (1 for a bin showing a single page when zoomed in past pages, 0 past the end). */
  total: Uint32Array;
  /** Pages whose status is an errno (not present, zero page, ...). */
  absent: Uint32Array;
  /**
   * Pages on each node: onNode[slot * width + b]. There are nodes.length + 1 slots; the last
   * counts pages on nodes not in `nodes` (a snapshot may name nodes the topology lacks).
   */
  onNode: Uint32Array;
}

const slotTables = new Map<string, Uint16Array>();

/** Node id -> slot for every possible Int16 status >= 0; unknown nodes get the spare slot. */
function slotTable(nodes: readonly number[]): Uint16Array {
  const key = nodes.join(',');
  const known = slotTables.get(key);
  if (known !== undefined) return known;
  const table = new Uint16Array(32768).fill(nodes.length);
  nodes.forEach((node, slot) => {
    if (node >= 0 && node < table.length) table[node] = slot;
  });
  if (slotTables.size > 16) slotTables.clear();
  slotTables.set(key, table);
  return table;
}

export function aggregateBins(data: PlacementData, view: View, nodes: readonly number[]): Bins {
  const { layout, statuses } = data;
  const width = view.width;
  const slots = nodes.length;
  const total = new Uint32Array(width);
  const absent = new Uint32Array(width);
  const onNode = new Uint32Array((slots + 1) * width);
  const bins: Bins = { view, nodes, total, absent, onNode };
  const totalPages = layout.totalPages;
  if (width === 0 || totalPages === 0) return bins;
  const slotOf = slotTable(nodes);
  const regions = layout.regions;

  if (view.pagesPerPixel < 1) {
    // Zoomed in past single pages: each bin shows the page under its centre.
    let r = -1;
    let region: LayoutRegion | undefined;
    for (let b = 0; b < width; b++) {
      const page = binCentrePage(view, b);
      if (page < 0) continue;
      if (page >= totalPages) break;
      if (region === undefined || page >= region.offset + region.pages || page < region.offset) {
        r = regionIndexAtPage(layout, page);
        region = regions[r] as LayoutRegion;
      }
      const s = (statuses[r] as Int16Array)[page - region.offset] as number;
      total[b] = 1;
      if (s < 0) absent[b] = 1;
      else onNode[(slotOf[s] as number) * width + b] = 1;
    }
    return bins;
  }

  const counts = new Uint32Array(slots + 1);
  let r = -1;
  for (let b = 0; b < width; b++) {
    const from = Math.max(binEdge(view, b), 0);
    const to = Math.min(binEdge(view, b + 1), totalPages);
    if (from >= totalPages) break;
    if (from >= to) continue;
    if (r < 0) r = regionIndexAtPage(layout, from);
    counts.fill(0);
    let missing = 0;
    let page = from;
    while (page < to) {
      let region = regions[r] as LayoutRegion;
      while (page >= region.offset + region.pages) region = regions[++r] as LayoutRegion;
      const status = statuses[r] as Int16Array;
      const base = region.offset;
      const stop = Math.min(to, base + region.pages) - base;
      // Placements come in long runs of one status: compare along a run, count it once.
      let i = page - base;
      while (i < stop) {
        const s = status[i] as number;
        let j = i + 1;
        while (j < stop && status[j] === s) j++;
        if (s < 0) missing += j - i;
        else {
          const slot = slotOf[s] as number;
          counts[slot] = (counts[slot] as number) + (j - i);
        }
        i = j;
      }
      page = stop + base;
    }
    total[b] = to - from;
    absent[b] = missing;
    for (let slot = 0; slot <= slots; slot++) onNode[slot * width + b] = counts[slot] as number;
  }
  return bins;
}

/** Pages on node slot `slot` in bin b. */
export function binOnNode(bins: Bins, slot: number, b: number): number {
  return bins.onNode[slot * bins.view.width + b] as number;
}

export interface PageSpan {
  /** Layout pages [start, end). */
  start: number;
  end: number;
}

/**
 * How many pages of `spans` fall in each bin (e.g. changed pages, to highlight them), with the
 * same bin edges as aggregateBins; when zoomed in past pages, 1 where the bin's page is in a span.
 */
export function spanCounts(view: View, spans: readonly PageSpan[]): Uint32Array {
  const width = view.width;
  const out = new Uint32Array(width);
  const ppp = view.pagesPerPixel;
  for (const { start, end } of spans) {
    if (end <= start) continue;
    if (ppp < 1) {
      const first = Math.max(0, Math.floor((start - view.start) / ppp) - 1);
      const last = Math.min(width - 1, Math.ceil((end - view.start) / ppp) + 1);
      for (let b = first; b <= last; b++) {
        const page = binCentrePage(view, b);
        if (page >= start && page < end) out[b] = 1;
      }
      continue;
    }
    let b = Math.max(0, Math.floor((start - view.start) / ppp));
    // Floating point may put the estimate one bin off either way; the edges decide.
    while (b > 0 && binEdge(view, b) > start) b--;
    while (b < width && binEdge(view, b + 1) <= start) b++;
    for (; b < width; b++) {
      const from = binEdge(view, b);
      if (from >= end) break;
      const overlap = Math.min(end, binEdge(view, b + 1)) - Math.max(start, from);
      if (overlap > 0) out[b] = (out[b] as number) + overlap;
    }
  }
  return out;
}

/** Remembers the last few aggregations of one placement, keyed by view, so redraws at a zoom level seen before cost nothing. */
export class BinCache {
  private data: PlacementData | null = null;
  private readonly entries = new Map<string, Bins>();

  constructor(private readonly capacity = 32) {}

  get(data: PlacementData, view: View, nodes: readonly number[]): Bins {
    if (data !== this.data) {
      this.entries.clear();
      this.data = data;
    }
    const key = `${view.start}|${view.pagesPerPixel}|${view.width}|${nodes.join(',')}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-insert to keep Map order = least recently used first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const bins = aggregateBins(data, view, nodes);
    this.entries.set(key, bins);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    return bins;
  }

  get size(): number {
    return this.entries.size;
  }
}
