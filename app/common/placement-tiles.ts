/**
 * A placement at the resolution a view needs, rather than page by page: the shared, pure
 * aggregation behind the `placement:update` overview and `placement:window` answers (main
 * process), and behind offline snapshot viewing (the renderer runs the same code on a
 * decoded file).
 *
 * Positions are "layout pages": the process's regions laid end to end in address order,
 * gaps removed (the renderer's model/layout.ts draws the same layout), so page p of region
 * i is layout page offsets[i] + p.
 *
 * A tile describes layout pages [from, to) either exactly, as run-length runs, or, when the
 * pages change status more often than the view has pixels to show it, as bins of a
 * power-of-two number of pages with a page count per status. Whichever is smaller is sent,
 * so an answer never holds more items than the requested number of bins, however many pages
 * the process has.
 */
import { hex } from './address.js';
import type { SnapshotFile, SnapshotTool, SnapshotVma } from './snapshot/schema.js';
import { sortCounts } from './snapshot/counts.js';
import { snapshotHeader } from './snapshot/header.js';
import type { StatusStore } from './status-store.js';
import type { Placement, Topology } from './types.js';

/** Layout pages [from, to) exactly: `runs` is [pageCount, status, pageCount, status, ...]. */
export interface RunsTile {
  kind: 'runs';
  from: number;
  to: number;
  runs: number[];
}

/**
 * Layout pages [from, to) in bins of `pagesPerBin` pages (the last may be shorter): bin b
 * covers [from + b * pagesPerBin, min(to, from + (b + 1) * pagesPerBin)) and holds
 * counts[b * statuses.length + c] pages whose status is statuses[c].
 */
export interface BinsTile {
  kind: 'bins';
  from: number;
  to: number;
  pagesPerBin: number;
  /** The statuses that occur (node ids >= 0, errnos < 0), ascending. */
  statuses: number[];
  counts: number[];
}

export type PlacementTile = RunsTile | BinsTile;

export interface TileRequest {
  /** First layout page. */
  from: number;
  /** End layout page (exclusive); clamped to the layout. */
  to: number;
  /** Pages per bin when the answer has to be bins: a power of two is kindest to caches. */
  pagesPerBin: number;
}

/** Bins of the overview that every placement update carries: more than any screen has pixels across. */
export const OVERVIEW_BINS = 8192;
/** The most bins one window request may ask for. */
export const MAX_WINDOW_BINS = 65536;

/** Pages per status, [pageCount, status], ascending by status. */
export type StatusCount = [pages: number, status: number];

/**
 * A region as the views list it: the snapshot's fields the views show, with per-status
 * totals instead of per-page runs (the file offset, device and inode stay in the snapshot).
 */
export interface SummaryVma extends Pick<SnapshotVma, 'start' | 'end' | 'perms' | 'path' | 'name' | 'kind'> {
  counts: StatusCount[];
}

/** Everything about a placement except where each page is: the header, the regions and their totals. */
export interface PlacementSummary extends Omit<SnapshotFile, 'format' | 'version' | 'vmas'> {
  vmas: SummaryVma[];
  totalPages: number;
}

/** Per-page statuses laid end to end: region i holds layout pages [offsets[i], offsets[i] + statuses[i].length). */
export interface StatusColumns {
  statuses: readonly StatusStore[];
  offsets: Float64Array;
  totalPages: number;
}

export function statusColumns(statuses: readonly StatusStore[]): StatusColumns {
  const offsets = new Float64Array(statuses.length);
  let total = 0;
  statuses.forEach((status, i) => {
    offsets[i] = total;
    total += status.length;
  });
  return { statuses, offsets, totalPages: total };
}

/** The smallest power of two that fits `pages` into at most `bins` bins. */
export function binSizeFor(pages: number, bins: number): number {
  let size = 1;
  while (size * bins < pages) size *= 2;
  return size;
}

/** Index of the region holding layout page `page` (which must lie inside the layout). */
function regionAt(columns: StatusColumns, page: number): number {
  const { offsets, statuses } = columns;
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] as number) <= page) lo = mid;
    else hi = mid - 1;
  }
  // Empty regions share their offset with the next one.
  while (lo < statuses.length - 1 && (statuses[lo] as StatusStore).length === 0) lo++;
  return lo;
}

/** Status + 32768 -> column, -1 when not seen yet; reset after every use. */
const columnOf = new Int32Array(65536).fill(-1);

/**
 * Layout pages [from, to) of the placement (clamped to it) as runs when there are at most
 * `maxRuns` of them (by default as many as the bins the request allows), else as bins of
 * `pagesPerBin` pages. The runs pass stops as soon as there are too many, so a fragmented
 * placement costs about one pass over its runs, for the bins (blocks of pages that agree are
 * one step each: a sparse reservation costs what its touched pages cost).
 */
export function tileOf(columns: StatusColumns, request: TileRequest, maxRuns?: number): PlacementTile {
  const total = columns.totalPages;
  const from = Math.min(Math.max(0, Math.floor(request.from)), total);
  const to = Math.min(Math.max(from, Math.ceil(request.to)), total);
  const size = Math.max(1, Math.floor(request.pagesPerBin));
  const binCount = Math.ceil((to - from) / size);
  const runs = collectRuns(columns, from, to, maxRuns ?? binCount);
  if (runs !== null) return { kind: 'runs', from, to, runs };
  return collectBins(columns, from, to, size, binCount);
}

/** Runs over [from, to), merged across region boundaries; null once there are more than `limit`. */
function collectRuns(columns: StatusColumns, from: number, to: number, limit: number): number[] | null {
  const runs: number[] = [];
  if (to <= from) return runs;
  const { statuses, offsets } = columns;
  let current = 0;
  let length = 0;
  let count = 0;
  let page = from;
  for (let r = regionAt(columns, from); page < to && r < statuses.length; r++) {
    const status = statuses[r] as StatusStore;
    const base = offsets[r] as number;
    const stop = Math.min(to, base + status.length) - base;
    const whole = status.visitRuns(page - base, stop, (i, j, s) => {
      if (length > 0 && s === current) length += j - i;
      else {
        if (length > 0) runs.push(length, current);
        if (++count > limit) return false;
        current = s;
        length = j - i;
      }
      return true;
    });
    if (!whole) return null;
    page = Math.max(page, base + stop);
  }
  if (length > 0) runs.push(length, current);
  return runs;
}

function collectBins(columns: StatusColumns, from: number, to: number, size: number, binCount: number): BinsTile {
  const { statuses, offsets } = columns;
  const perColumn: Float64Array[] = [];
  const seen: number[] = [];
  let page = from;
  for (let r = to > from ? regionAt(columns, from) : statuses.length; page < to && r < statuses.length; r++) {
    const status = statuses[r] as StatusStore;
    const base = offsets[r] as number;
    const stop = Math.min(to, base + status.length) - base;
    // A run is split at bin ends: a long one adds to every bin it covers.
    status.visitRuns(page - base, stop, (runStart, runEnd, s) => {
      let column = columnOf[s + 32768] as number;
      if (column < 0) {
        column = perColumn.length;
        columnOf[s + 32768] = column;
        perColumn.push(new Float64Array(binCount));
        seen.push(s);
      }
      const counts = perColumn[column] as Float64Array;
      let i = runStart;
      while (i < runEnd) {
        const b = Math.floor((base + i - from) / size);
        const j = Math.min(runEnd, from + (b + 1) * size - base);
        counts[b] = (counts[b] as number) + (j - i);
        i = j;
      }
    });
    page = Math.max(page, base + stop);
  }
  for (const status of seen) columnOf[status + 32768] = -1;
  const order = seen.map((status, column) => ({ status, column })).sort((a, b) => a.status - b.status);
  const width = order.length;
  const counts = new Array<number>(binCount * width);
  order.forEach(({ column }, c) => {
    const source = perColumn[column] as Float64Array;
    for (let b = 0; b < binCount; b++) counts[b * width + c] = source[b] as number;
  });
  return { kind: 'bins', from, to, pagesPerBin: size, statuses: order.map((o) => o.status), counts };
}

/** The whole layout at a resolution that suits any screen: what every placement update carries. */
export function overviewOf(columns: StatusColumns): PlacementTile {
  const size = binSizeFor(columns.totalPages, OVERVIEW_BINS);
  return tileOf(columns, { from: 0, to: columns.totalPages, pagesPerBin: size });
}

/** Status + 32768 -> pages, for the per-region totals; only `touched` entries are non-zero between uses. */
const tally = new Float64Array(65536);

export interface Digest {
  /** Per region, pages per status (as in SummaryVma.counts). */
  counts: StatusCount[][];
  /** The same as overviewOf(columns). */
  overview: PlacementTile;
}

/**
 * Per-region totals and the overview in one pass over the pages (a second one, for the
 * bins, only when the placement has more runs than the overview has bins): what each poll
 * costs the main process.
 */
export function digest(columns: StatusColumns): Digest {
  const { statuses, totalPages } = columns;
  const size = binSizeFor(totalPages, OVERVIEW_BINS);
  const limit = Math.ceil(totalPages / size);
  let runs: number[] | null = [];
  let current = 0;
  let length = 0;
  const counts = statuses.map((status): StatusCount[] => {
    const touched: number[] = [];
    status.visitRuns(0, status.length, (i, j, s) => {
      const key = s + 32768;
      if (tally[key] === 0) touched.push(key);
      tally[key] = (tally[key] as number) + (j - i);
      if (runs !== null) {
        if (length > 0 && s === current) length += j - i;
        else {
          if (length > 0) runs.push(length, current);
          if (runs.length / 2 >= limit) runs = null;
          current = s;
          length = j - i;
        }
      }
    });
    touched.sort((a, b) => a - b);
    const region = touched.map((key): StatusCount => [tally[key] as number, key - 32768]);
    for (const key of touched) tally[key] = 0;
    return region;
  });
  if (runs !== null && length > 0) runs.push(length, current);
  const overview: PlacementTile = runs !== null ? { kind: 'runs', from: 0, to: totalPages, runs } : collectBins(columns, 0, totalPages, size, limit);
  return { counts, overview };
}

function totalsOf(vmas: readonly SummaryVma[], topology: Pick<Topology, 'nodes'>): SnapshotFile['totals'] {
  const byNode: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (const node of topology.nodes) byNode[String(node.id)] = 0;
  for (const vma of vmas) {
    for (const [pages, status] of vma.counts) {
      const into = status >= 0 ? byNode : byStatus;
      into[String(status)] = (into[String(status)] ?? 0) + pages;
    }
  }
  return { byNode: sortCounts(byNode), byStatus: sortCounts(byStatus) };
}

/**
 * What `encodeSnapshot` would write, without the runs: the header and per-region totals.
 * `counts` (from digest) saves the pass over the pages that computes them otherwise.
 */
export function summarizePlacement(placement: Placement, topology: Topology, tool: SnapshotTool | null, counts?: StatusCount[][]): PlacementSummary {
  let totalPages = 0;
  const perRegion = counts ?? digest(statusColumns(placement.regions.map((r) => r.status))).counts;
  const vmas = placement.regions.map(({ vma, status }, i): SummaryVma => {
    totalPages += status.length;
    return {
      start: hex(vma.start),
      end: hex(vma.end),
      perms: vma.perms,
      path: vma.path,
      name: vma.name,
      kind: vma.kind,
      counts: perRegion[i] ?? [],
    };
  });
  return {
    tool,
    ...snapshotHeader(placement, topology),
    vmas,
    totals: totalsOf(vmas, topology),
    totalPages,
  };
}

/** The same summary from a (validated) snapshot file, from its runs: no per-page work. */
export function summarizeSnapshot(file: SnapshotFile): PlacementSummary {
  let totalPages = 0;
  const vmas = file.vmas.map((vma): SummaryVma => {
    const byStatus = new Map<number, number>();
    for (const [pages, status] of vma.runs) {
      byStatus.set(status, (byStatus.get(status) ?? 0) + pages);
      totalPages += pages;
    }
    const counts = [...byStatus].sort((a, b) => a[0] - b[0]).map(([status, pages]): StatusCount => [pages, status]);
    return { start: vma.start, end: vma.end, perms: vma.perms, path: vma.path, name: vma.name, kind: vma.kind, counts };
  });
  return {
    tool: file.tool,
    takenAt: file.takenAt,
    kernel: file.kernel,
    pageSize: file.pageSize,
    process: file.process,
    nodes: file.nodes,
    withMemory: file.withMemory,
    memoryTiers: file.memoryTiers,
    vmas,
    totals: file.totals,
    totalPages,
  };
}
