/**
 * What the heatmaps draw from: tiles of the placement (app/common/placement-tiles.ts) in
 * columnar typed arrays, and the store that picks the tile for a view and fetches a finer
 * one when the view needs it, in the manner of Perfetto: a window padded by half the
 * visible span on each side and binned at a power of two pages (so small pans and zooms
 * need no new request), at most one request in flight (later views wait and only the
 * latest is asked for), and something to draw meanwhile: every tile held, each column from
 * the finest that holds it (the overview every update carries, the last few windows of this
 * scan, or until its first arrives the previous scan's window while the layout is unchanged).
 */
import { MAX_WINDOW_BINS, type PlacementTile, type TileRequest } from '../../common/placement-tiles.js';
import type { View } from './view.js';

/** A RunsTile decoded: layout pages [from, to) exactly; run i covers [starts[i], starts[i + 1]) with status[i]. */
export interface DecodedRunsTile {
  kind: 'runs';
  from: number;
  to: number;
  /** status.length + 1 entries; the last is `to`. */
  starts: Float64Array;
  status: Int16Array;
}

/** A BinsTile decoded: layout pages [from, to) in bins of pagesPerBin pages: counts[b * statuses.length + c] pages of bin b have statuses[c]. */
export interface DecodedBinsTile {
  kind: 'bins';
  from: number;
  to: number;
  pagesPerBin: number;
  statuses: Int16Array;
  counts: Float64Array;
}

/** A PlacementTile in typed arrays, as the heatmaps draw from it. */
export type Tile = DecodedRunsTile | DecodedBinsTile;

export class TileError extends Error {
  override name = 'TileError';
}

/** The wire tile in typed arrays, checked so that a broken answer fails here rather than as a wrong picture. */
export function decodeTile(tile: PlacementTile): Tile {
  const { from, to } = tile;
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && 0 <= from && from <= to)) throw new TileError(`tile bounds ${from}-${to} are not a page range`);
  if (tile.kind === 'runs') {
    const n = tile.runs.length >> 1;
    const starts = new Float64Array(n + 1);
    const status = new Int16Array(n);
    let at = from;
    for (let i = 0; i < n; i++) {
      starts[i] = at;
      at += tile.runs[2 * i] as number;
      status[i] = tile.runs[2 * i + 1] as number;
    }
    starts[n] = at;
    if (at !== to) throw new TileError(`tile runs cover ${at - from} pages, not the ${to - from} of ${from}-${to}`);
    return { kind: 'runs', from, to, starts, status };
  }
  const columns = tile.statuses.length;
  const bins = Math.ceil((to - from) / tile.pagesPerBin);
  if (tile.counts.length !== bins * columns) throw new TileError(`tile has ${tile.counts.length} counts for ${bins} bins of ${columns} statuses`);
  return { kind: 'bins', from, to, pagesPerBin: tile.pagesPerBin, statuses: Int16Array.from(tile.statuses), counts: Float64Array.from(tile.counts) };
}

/** Pages per bin of a tile, or 1 for runs (exact to the page). */
export function tileResolution(tile: Tile): number {
  return tile.kind === 'runs' ? 1 : tile.pagesPerBin;
}

/** Whether the tile's counts are exact for any page range (runs, or bins of single pages). */
export function isExact(tile: Tile): boolean {
  return tile.kind === 'runs' || tile.pagesPerBin === 1;
}

/** Index of the run holding page `page` (inside the tile). */
export function runAt(tile: DecodedRunsTile, page: number): number {
  const { starts } = tile;
  let lo = 0;
  let hi = tile.status.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= page) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface RangeCounts {
  /** Pages per status within the range (rounded shares of bins for a binned tile). */
  counts: Map<number, number>;
  /** False when the tile is binned coarser than single pages, so the counts are estimates. */
  exact: boolean;
}

/** Pages of [from, to) per status, as far as the tile knows them. */
export function countsInRange(tile: Tile, from: number, to: number): RangeCounts {
  const counts = new Map<number, number>();
  const lo = Math.max(from, tile.from);
  const hi = Math.min(to, tile.to);
  const add = (status: number, pages: number): void => {
    if (pages > 0) counts.set(status, (counts.get(status) ?? 0) + pages);
  };
  if (hi <= lo) return { counts, exact: isExact(tile) };
  if (tile.kind === 'runs') {
    for (let r = runAt(tile, lo); r < tile.status.length && (tile.starts[r] as number) < hi; r++) {
      add(tile.status[r] as number, Math.min(hi, tile.starts[r + 1] as number) - Math.max(lo, tile.starts[r] as number));
    }
    return { counts, exact: true };
  }
  const size = tile.pagesPerBin;
  const width = tile.statuses.length;
  const shares = new Float64Array(width);
  for (let k = Math.floor((lo - tile.from) / size); tile.from + k * size < hi; k++) {
    const start = tile.from + k * size;
    const end = Math.min(tile.to, start + size);
    const fraction = (Math.min(hi, end) - Math.max(lo, start)) / (end - start);
    for (let c = 0; c < width; c++) shares[c] = (shares[c] as number) + (tile.counts[k * width + c] as number) * fraction;
  }
  // Rounding shares can lose or gain a page; the largest one absorbs the difference so the counts still add up.
  let largest = -1;
  let sum = 0;
  for (let c = 0; c < width; c++) {
    const pages = Math.round(shares[c] as number);
    sum += pages;
    if (largest < 0 || (shares[c] as number) > (shares[largest] as number)) largest = c;
    add(tile.statuses[c] as number, pages);
  }
  if (largest >= 0 && sum !== hi - lo) {
    const status = tile.statuses[largest] as number;
    const fixed = (counts.get(status) ?? 0) + (hi - lo - sum);
    if (fixed > 0) counts.set(status, fixed);
    else counts.delete(status);
  }
  return { counts, exact: size === 1 };
}

/** Layout pages a view shows: [from, to), clamped to the layout. */
export function visibleRange(view: View, totalPages: number): [number, number] {
  const from = Math.min(totalPages, Math.max(0, Math.floor(view.start)));
  const to = Math.max(from, Math.min(totalPages, Math.ceil(view.start + view.width * view.pagesPerPixel)));
  return [from, to];
}

/** The coarsest power-of-two bin that still gives every pixel at least one whole bin. */
export function binSizeForView(pagesPerPixel: number): number {
  if (!(pagesPerPixel >= 2)) return 1;
  return 2 ** Math.floor(Math.log2(pagesPerPixel));
}

/** The window to ask for: the visible pages padded by half their span each side, aligned to the bin size. */
export function windowFor(view: View, totalPages: number): TileRequest {
  const size = binSizeForView(view.pagesPerPixel);
  const [from, to] = visibleRange(view, totalPages);
  const span = Math.max(to - from, 1);
  // Never more bins than a request may hold, however wide the canvas.
  const pad = Math.max(0, Math.min(span / 2, ((MAX_WINDOW_BINS - 4) * size - span) / 2));
  const start = Math.max(0, Math.floor((from - pad) / size) * size);
  const end = Math.min(totalPages, Math.ceil((to + pad) / size) * size);
  return { from: start, to: Math.max(end, Math.min(totalPages, start + 1)), pagesPerBin: size };
}

function covers(tile: Tile, from: number, to: number): boolean {
  return to <= from || (tile.from <= from && to <= tile.to);
}

export interface Picked {
  tile: Tile;
  /** False while a finer tile is still on its way. */
  fine: boolean;
}

/** Where finer tiles come from: the server (a promise) or a snapshot in memory (at once). Null: nothing for this placement (it is gone). */
export type TileLoader = (request: TileRequest) => Tile | null | Promise<Tile | null>;

function requestKey(request: TileRequest): string {
  return `${request.from}:${request.to}:${request.pagesPerBin}`;
}

/** Where a store starts from: tiles of the previous scan (see the constructor). */
export interface Carried {
  /** Known to hold for this scan too (nothing changed): drawn as it is. */
  current?: Tile | null;
  /** Windows received before `current`, known to hold for this scan too. */
  older?: readonly Tile[];
  /** Of an earlier scan with the same layout: drawn, marked not fine, while this scan's window loads. */
  stale?: Tile | null;
}

/** Windows a store keeps, so panning or zooming back to where they reach is drawn sharp at once. */
const HELD_WINDOWS = 4;

/** The tiles of one placement (one scan, or one snapshot file). */
export class TileStore {
  /** Windows of this placement, oldest first; the last one is the latest to arrive. */
  private readonly windows: Tile[] = [];
  private readonly stale: Tile | null;
  private inFlight: string | null = null;
  private queued: TileRequest | null = null;
  /** Requests answered with nothing: not asked again for this placement. */
  private readonly refused = new Set<string>();
  private readonly listeners = new Set<() => void>();

  /**
   * @param carried tiles of the previous scan: `current` when that scan's pages are known
   *   to be unchanged (so a quiet poll costs no window request), else `stale` so a zoomed
   *   view does not blur on every poll while the new window loads.
   */
  constructor(
    readonly totalPages: number,
    readonly overview: Tile,
    private readonly load: TileLoader,
    carried: Carried = {},
  ) {
    if (carried.current) this.windows.push(...(carried.older ?? []), carried.current);
    this.stale = carried.stale ?? null;
  }

  /** The latest window fetched for (or carried into) this placement: exact for it. */
  get current(): Tile | null {
    return this.windows[this.windows.length - 1] ?? null;
  }

  /** The windows held before the latest one, oldest first (to carry into the next scan's store when nothing changed). */
  get older(): readonly Tile[] {
    return this.windows.slice(0, -1);
  }

  /** The finest tile this store can draw from, current or stale (to carry into the next scan's store). */
  get finest(): Tile | null {
    return this.current ?? this.stale;
  }

  /**
   * Everything a view can be drawn from now (see aggregateLayers): the overview and the
   * windows held, or, until this scan's first window arrives, the previous scan's window.
   */
  get layers(): Tile[] {
    if (this.windows.length > 0) return [this.overview, ...this.windows];
    return this.stale === null ? [this.overview] : [this.overview, this.stale];
  }

  /** Calls `listener` when a fetched tile arrives. Returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The tile to draw `view` from now; asks for a finer one when it needs one. */
  pick(view: View): Picked {
    const [from, to] = visibleRange(view, this.totalPages);
    const size = binSizeForView(view.pagesPerPixel);
    const fine = (tile: Tile | null): Tile | null => (tile !== null && covers(tile, from, to) && tileResolution(tile) <= size ? tile : null);
    const held = (): Tile | null => {
      // The latest first: of two that serve the view, the one asked for most recently.
      for (let i = this.windows.length - 1; i >= 0; i--) if (fine(this.windows[i] ?? null) !== null) return this.windows[i] as Tile;
      return null;
    };
    const ready = held() ?? fine(this.overview);
    if (ready !== null) return { tile: ready, fine: true };
    this.request(windowFor(view, this.totalPages));
    const loaded = held();
    if (loaded !== null) return { tile: loaded, fine: true };
    const stale = fine(this.stale);
    if (stale !== null) return { tile: stale, fine: false };
    // The finest tile that covers the view, however coarse: the overview always does.
    const covering = [...this.windows, this.stale].filter((t): t is Tile => t !== null && covers(t, from, to));
    const best = covering.reduce((a, b) => (tileResolution(b) < tileResolution(a) ? b : a), this.overview);
    return { tile: best, fine: false };
  }

  private request(request: TileRequest): void {
    const key = requestKey(request);
    if (this.refused.has(key) || this.inFlight === key) return;
    if (this.inFlight !== null) {
      this.queued = request;
      return;
    }
    let answer: Tile | null | Promise<Tile | null>;
    try {
      answer = this.load(request);
    } catch {
      this.refused.add(key);
      return;
    }
    if (!(answer instanceof Promise)) {
      this.accept(key, answer);
      return;
    }
    this.inFlight = key;
    answer.then(
      (tile) => this.settle(key, tile),
      () => this.settle(key, null),
    );
  }

  private accept(key: string, tile: Tile | null): void {
    if (tile === null) {
      this.refused.add(key);
      return;
    }
    this.windows.push(tile);
    if (this.windows.length > HELD_WINDOWS) this.windows.shift();
  }

  private settle(key: string, tile: Tile | null): void {
    this.inFlight = null;
    this.accept(key, tile);
    const next = this.queued;
    this.queued = null;
    if (next !== null) this.request(next);
    for (const listener of [...this.listeners]) listener();
  }
}
