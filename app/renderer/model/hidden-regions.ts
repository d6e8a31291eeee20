/**
 * "Hide regions with no pages present" applied to the heatmaps: a layout without those
 * regions, and a tile store that draws it from the whole placement's tiles. Tiles (and the
 * server's windows) are in the whole layout's pages; the store asks for the whole-layout
 * span behind the view and maps each tile onto the shorter layout, dropping the hidden
 * pages. Every hidden page is not present, so a bin that straddles a hidden region loses
 * that many not-present pages and keeps the rest.
 */
import { ERRNO } from '../../common/errno.js';
import type { ViewData } from './data.js';
import { filterLayout, type Layout } from './layout.js';
import { TileStore, visibleRange, type DecodedRunsTile, type Picked, type Tile } from './tiles.js';
import type { View } from './view.js';

/** Page status of a page never touched (move_pages reports -errno). */
const ENOENT = -ERRNO.ENOENT;

/** Whole-layout pages [full, full + pages) are shown at [shown, shown + pages). */
interface Segment {
  full: number;
  shown: number;
  pages: number;
}

/** Between the whole layout's pages and the pages of a layout that leaves some regions out. */
export class PageMap {
  readonly segments: Segment[] = [];

  constructor(
    whole: Layout,
    readonly shown: Layout,
  ) {
    const fullOffset = new Map(whole.regions.map((r) => [r.index, r.offset]));
    for (const region of shown.regions) {
      if (region.pages === 0) continue;
      const full = fullOffset.get(region.index) ?? 0;
      const last = this.segments[this.segments.length - 1];
      if (last !== undefined && last.full + last.pages === full) last.pages += region.pages;
      else this.segments.push({ full, shown: region.offset, pages: region.pages });
    }
  }

  /** Index of the first segment that ends after whole-layout page `page`. */
  private firstEndingAfter(page: number): number {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = this.segments[mid] as Segment;
      if (s.full + s.pages <= page) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Shown position of whole-layout page `page`; a hidden page maps to where the next shown page is. */
  toShown(page: number): number {
    const s = this.segments[this.firstEndingAfter(page)];
    if (s === undefined) return this.shown.totalPages;
    return page <= s.full ? s.shown : s.shown + (page - s.full);
  }

  /** Whole-layout page of shown page `page` (clamped to the shown layout). */
  toFull(page: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.segments[mid] as Segment).shown <= page) lo = mid;
      else hi = mid - 1;
    }
    const s = this.segments[lo] as Segment;
    return s.full + Math.min(Math.max(page - s.shown, 0), s.pages);
  }

  /** Pages of whole-layout [from, to) that are shown. */
  shownPagesIn(from: number, to: number): number {
    let pages = 0;
    for (let i = this.firstEndingAfter(from); i < this.segments.length; i++) {
      const s = this.segments[i] as Segment;
      if (s.full >= to) break;
      pages += Math.max(0, Math.min(to, s.full + s.pages) - Math.max(from, s.full));
    }
    return pages;
  }
}

/** Collects runs in shown pages, joining neighbours of the same status. */
class RunWriter {
  private readonly starts: number[] = [];
  private readonly status: number[] = [];
  constructor(private at: number) {}

  push(status: number, pages: number): void {
    if (!(pages > 0)) return;
    const last = this.status.length - 1;
    if (last < 0 || this.status[last] !== status) {
      this.starts.push(this.at);
      this.status.push(status);
    }
    this.at += pages;
  }

  tile(from: number): DecodedRunsTile {
    return { kind: 'runs', from, to: this.at, starts: Float64Array.from([...this.starts, this.at]), status: Int16Array.from(this.status) };
  }
}

/** A whole-layout tile as a runs tile of the shown layout (a binned tile's bins keep their counts, in status order). */
export function shownTile(tile: Tile, map: PageMap): DecodedRunsTile {
  const from = map.toShown(tile.from);
  const out = new RunWriter(from);
  if (tile.kind === 'runs') {
    for (let r = 0; r < tile.status.length; r++) out.push(tile.status[r] as number, map.shownPagesIn(tile.starts[r] as number, tile.starts[r + 1] as number));
    return out.tile(from);
  }
  const columns = tile.statuses.length;
  for (let start = tile.from, k = 0; start < tile.to; start += tile.pagesPerBin, k++) {
    const end = Math.min(tile.to, start + tile.pagesPerBin);
    const kept = map.shownPagesIn(start, end);
    if (kept === 0) continue;
    // The hidden pages are all not present, most likely never touched: off ENOENT first, then the other errnos.
    const counts = Array.from({ length: columns }, (_, c) => tile.counts[k * columns + c] as number);
    let hidden = end - start - kept;
    for (const pass of [true, false]) {
      for (let c = 0; c < columns && hidden > 0; c++) {
        const status = tile.statuses[c] as number;
        if (status >= 0 || (status === ENOENT) !== pass) continue;
        const dropped = Math.min(hidden, counts[c] as number);
        counts[c] = (counts[c] as number) - dropped;
        hidden -= dropped;
      }
    }
    let left = kept;
    for (let c = 0; c < columns && left > 0; c++) {
      const pages = Math.min(counts[c] as number, left);
      out.push(tile.statuses[c] as number, pages);
      left -= pages;
    }
  }
  return out.tile(from);
}

/** The tiles of a placement, drawn onto a layout that leaves some regions out. */
export class ShownTileStore extends TileStore {
  private readonly translated = new WeakMap<Tile, Tile>();

  constructor(
    private readonly base: TileStore,
    private readonly map: PageMap,
  ) {
    super(map.shown.totalPages, shownTile(base.overview, map), () => null);
  }

  override pick(view: View): Picked {
    const [from, to] = visibleRange(view, this.totalPages);
    const fullFrom = this.map.toFull(from);
    const fullTo = to > from ? this.map.toFull(to - 1) + 1 : fullFrom;
    // The whole-layout span behind the view may hold hidden regions too: ask for all of it.
    const pagesPerPixel = Math.max(view.pagesPerPixel, (fullTo - fullFrom) / Math.max(view.width, 1));
    const picked = this.base.pick({ start: fullFrom, pagesPerPixel, width: view.width });
    return { tile: this.translate(picked.tile), fine: picked.fine };
  }

  override onChange(listener: () => void): () => void {
    return this.base.onChange(listener);
  }

  private translate(tile: Tile): Tile {
    if (tile === this.base.overview) return this.overview;
    let known = this.translated.get(tile);
    if (known === undefined) {
      known = shownTile(tile, this.map);
      this.translated.set(tile, known);
    }
    return known;
  }
}

/** Whether a region holds any present page (by its summary, which counts the whole scan). */
function hasPresentPages(data: ViewData, index: number): boolean {
  const summary = data.summaries[index];
  return summary !== undefined && summary.pages > summary.absent;
}

/** The data and tiles the views draw: everything, or without the regions that have no page present. */
export function withoutEmptyRegions(data: ViewData, tiles: TileStore): { data: ViewData; tiles: TileStore } {
  const layout = filterLayout(data.layout, (region) => region.pages > 0 && hasPresentPages(data, region.index));
  if (layout.regions.length === data.layout.regions.length) return { data, tiles };
  return { data: { ...data, layout }, tiles: new ShownTileStore(tiles, new PageMap(data.layout, layout)) };
}
