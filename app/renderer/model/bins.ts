/**
 * Tiles -> pixel bins: for every column of a heatmap, how many of its pages sit on each node
 * and how many are not present. Exact from a run tile (one step per run, with the node
 * lookup a table index rather than a branch); from a binned tile each pixel takes its share
 * of the bins it overlaps, which the tile store keeps at one to two bins a pixel. The result
 * is shared by every node panel and cached per (tile, view).
 */
import type { Layout } from './layout.js';
import { runAt, type DecodedBinsTile, type DecodedRunsTile, type Tile } from './tiles.js';
import { binCentrePage, binEdge, type View } from './view.js';

/** What a view is drawn from: the layout and the tile picked for the view. */
export interface PlacementData {
  layout: Layout;
  tile: Tile;
}

export interface Bins {
  view: View;
  /** Node ids in slot order. */
  nodes: readonly number[];
  /** Pages per bin (1 for a bin showing a single page when zoomed in past pages, 0 past the end). */
  total: Float64Array;
  /** Pages whose status is an errno (not present, zero page, ...). */
  absent: Float64Array;
  /**
   * Pages on each node: onNode[slot * width + b]. There are nodes.length + 1 slots; the last
   * counts pages on nodes not in `nodes` (a snapshot may name nodes the topology lacks).
   * Shares of bins (fractions) when drawn from a binned tile.
   */
  onNode: Float64Array;
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

function emptyBins(view: View, nodes: readonly number[]): Bins {
  const width = view.width;
  return { view, nodes, total: new Float64Array(width), absent: new Float64Array(width), onNode: new Float64Array((nodes.length + 1) * width) };
}

function fromRuns(tile: DecodedRunsTile, bins: Bins, slotOf: Uint16Array): void {
  const { view, total, absent, onNode } = bins;
  const width = view.width;
  const { starts, status } = tile;
  const runs = status.length;
  if (runs === 0) return;

  if (view.pagesPerPixel < 1) {
    // Zoomed in past single pages: each bin shows the page under its centre.
    let r = -1;
    for (let b = 0; b < width; b++) {
      const page = binCentrePage(view, b);
      if (page < tile.from) continue;
      if (page >= tile.to) break;
      if (r < 0) r = runAt(tile, page);
      while ((starts[r + 1] as number) <= page) r++;
      const s = status[r] as number;
      total[b] = 1;
      if (s < 0) absent[b] = 1;
      else onNode[(slotOf[s] as number) * width + b] = 1;
    }
    return;
  }

  let r = -1;
  for (let b = 0; b < width; b++) {
    const from = Math.max(binEdge(view, b), tile.from);
    const to = Math.min(binEdge(view, b + 1), tile.to);
    if (from >= tile.to) break;
    if (from >= to) continue;
    if (r < 0) r = runAt(tile, from);
    while ((starts[r + 1] as number) <= from) r++;
    let missing = 0;
    let k = r;
    for (; k < runs; k++) {
      const runStart = starts[k] as number;
      if (runStart >= to) break;
      const pages = Math.min(to, starts[k + 1] as number) - Math.max(from, runStart);
      const s = status[k] as number;
      if (s < 0) missing += pages;
      else {
        const at = (slotOf[s] as number) * width + b;
        onNode[at] = (onNode[at] as number) + pages;
      }
    }
    // The last run touched may go on into the next bin.
    r = Math.max(r, k - 1);
    total[b] = to - from;
    absent[b] = missing;
  }
}

function fromBins(tile: DecodedBinsTile, bins: Bins, slotOf: Uint16Array): void {
  const { view, total, absent, onNode } = bins;
  const width = view.width;
  const size = tile.pagesPerBin;
  const columns = tile.statuses.length;
  const counts = tile.counts;
  // Column -> slot, or -1 for an errno.
  const slots = Int32Array.from(tile.statuses, (s) => (s < 0 ? -1 : (slotOf[s] as number)));
  const add = (b: number, k: number, fraction: number): void => {
    for (let c = 0; c < columns; c++) {
      const pages = (counts[k * columns + c] as number) * fraction;
      if (pages === 0) continue;
      const slot = slots[c] as number;
      if (slot < 0) absent[b] = (absent[b] as number) + pages;
      else onNode[slot * width + b] = (onNode[slot * width + b] as number) + pages;
    }
  };
  const binPages = (k: number): number => Math.min(size, tile.to - (tile.from + k * size));

  if (view.pagesPerPixel < 1) {
    for (let b = 0; b < width; b++) {
      const page = binCentrePage(view, b);
      if (page < tile.from) continue;
      if (page >= tile.to) break;
      const k = Math.floor((page - tile.from) / size);
      total[b] = 1;
      add(b, k, 1 / binPages(k));
    }
    return;
  }

  for (let b = 0; b < width; b++) {
    const from = Math.max(binEdge(view, b), tile.from);
    const to = Math.min(binEdge(view, b + 1), tile.to);
    if (from >= tile.to) break;
    if (from >= to) continue;
    for (let k = Math.floor((from - tile.from) / size); tile.from + k * size < to; k++) {
      const start = tile.from + k * size;
      const pages = binPages(k);
      const overlap = Math.min(to, start + pages) - Math.max(from, start);
      if (overlap > 0) add(b, k, overlap / pages);
    }
    total[b] = to - from;
  }
}

export function aggregateBins(data: PlacementData, view: View, nodes: readonly number[]): Bins {
  const bins = emptyBins(view, nodes);
  if (view.width === 0 || data.layout.totalPages === 0) return bins;
  const slotOf = slotTable(nodes);
  if (data.tile.kind === 'runs') fromRuns(data.tile, bins, slotOf);
  else fromBins(data.tile, bins, slotOf);
  return bins;
}

/** Layout pages bin b holds, clamped to the layout: [from, to), empty for a bin past the end. */
function binPages(view: View, b: number, totalPages: number): [number, number] {
  if (view.pagesPerPixel < 1) {
    const page = binCentrePage(view, b);
    return page >= 0 && page < totalPages ? [page, page + 1] : [0, 0];
  }
  return [Math.max(0, binEdge(view, b)), Math.min(totalPages, binEdge(view, b + 1))];
}

/** The finest of `tiles` that holds all of layout pages [from, to), or null. */
export function finestCovering(tiles: readonly Tile[], from: number, to: number): Tile | null {
  let best: Tile | null = null;
  for (const tile of tiles) {
    if (tile.from <= from && to <= tile.to && (best === null || resolutionOf(tile) < resolutionOf(best))) best = tile;
  }
  return best;
}

function resolutionOf(tile: Tile): number {
  return tile.kind === 'runs' ? 1 : tile.pagesPerBin;
}

/**
 * A view drawn from several tiles at once (the overview, windows fetched for earlier views):
 * each column from the finest tile that holds every one of its pages, so a pan or zoom is
 * drawn at once from what is held, sharp wherever a window reaches and coarse elsewhere.
 * A column no tile holds whole stays unknown (total 0, drawn as background): its pages
 * are not guessed from a tile that holds only some of them.
 */
export function aggregateLayers(layout: Layout, tiles: readonly Tile[], view: View, nodes: readonly number[]): Bins {
  const bins = emptyBins(view, nodes);
  const width = view.width;
  if (width === 0 || layout.totalPages === 0 || tiles.length === 0) return bins;
  // Coarsest first, so each finer tile overwrites the columns it holds.
  const order = [...tiles].sort((a, b) => resolutionOf(b) - resolutionOf(a));
  const slots = nodes.length + 1;
  for (const tile of order) {
    let drawn: Bins | null = null;
    for (let b = 0; b < width; b++) {
      const [from, to] = binPages(view, b, layout.totalPages);
      if (to <= from || from < tile.from || to > tile.to) continue;
      drawn ??= aggregateBins({ layout, tile }, view, nodes);
      bins.total[b] = drawn.total[b] as number;
      bins.absent[b] = drawn.absent[b] as number;
      for (let s = 0; s < slots; s++) bins.onNode[s * width + b] = drawn.onNode[s * width + b] as number;
    }
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

/** Spans sorted by start, with overlapping and touching ones joined (sorts `spans` in place). */
export function mergeSpans(spans: PageSpan[]): PageSpan[] {
  spans.sort((a, b) => a.start - b.start);
  const merged: PageSpan[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
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

/** A view drawn from several tiles (see aggregateLayers). */
export interface LayeredData {
  layout: Layout;
  tiles: readonly Tile[];
}

function sameTiles(a: readonly Tile[], b: readonly Tile[]): boolean {
  return a.length === b.length && a.every((tile, i) => tile === b[i]);
}

/** Remembers the last few aggregations of the same tiles, keyed by view, so redraws at a zoom level seen before cost nothing. */
export class BinCache {
  private tiles: readonly Tile[] = [];
  private layout: Layout | null = null;
  private readonly entries = new Map<string, Bins>();

  constructor(private readonly capacity = 32) {}

  get(data: PlacementData | LayeredData, view: View, nodes: readonly number[]): Bins {
    const tiles = 'tile' in data ? [data.tile] : data.tiles;
    if (!sameTiles(tiles, this.tiles) || data.layout !== this.layout) {
      this.entries.clear();
      this.tiles = tiles;
      this.layout = data.layout;
    }
    const key = `${view.start}|${view.pagesPerPixel}|${view.width}|${nodes.join(',')}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-insert to keep Map order = least recently used first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const bins = 'tile' in data ? aggregateBins(data, view, nodes) : aggregateLayers(data.layout, data.tiles, view, nodes);
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
