/**
 * What the scan engine (engine.ts) is given and gives back: the kernel and presence source it
 * asks, the regions it fills, its options, hooks and figures.
 */
import type { StatusStore } from '../../common/status-store.js';

export type Strategy = 'pagemap-scan' | 'pagemap-read' | 'full';

export interface QueryKernel {
  /** move_pages in query mode for pages[0, count): node or negative errno into status. */
  query(pages: BigUint64Array, count: number, status: Int32Array): void;
  /**
   * The same on another thread. When given (and `pipeline` is on), large calls run while
   * this thread looks up the next window or builds the next chunk.
   */
  queryAsync?(pages: BigUint64Array, count: number, status: Int32Array): Promise<void>;
}

/**
 * A run of pages [start, end), counted from the first page of the lookup (small integers:
 * absolute page numbers exceed 2^31 and would be boxed on every call); huge marks a
 * PMD-mapped range.
 */
export type RangeVisitor = (start: number, end: number, huge: boolean) => void;

export interface PresenceSource {
  readonly strategy: Exclude<Strategy, 'full'>;
  /**
   * Visits, in ascending order, the runs of pages in [firstPage, endPage) that are present or
   * swapped (swapped pages are queried too, so results stay identical to a full query).
   */
  ranges(firstPage: number, endPage: number, visit: RangeVisitor): void;
}

export interface EngineRegion {
  /** The region's start address / pageSize. */
  firstPage: number;
  pages: number;
  /** Query every page whatever the presence source says (special mappings, hugetlb). */
  queryAll: boolean;
  /** Compare with the previous answers and record changes (kept regions of a rescan). */
  tracked: boolean;
  status: StatusStore;
  /**
   * Only these pages are asked about: [start, end) pairs counted from the region's first
   * page, ascending and disjoint. Absent (or null): the whole region. The rest keep their
   * previous answers, so an incremental poll asks only where something may have changed.
   */
  ranges?: Float64Array | null;
}

export interface EngineOptions {
  pageSize: number;
  /** Addresses per move_pages call. */
  chunkPages: number;
  /** Pages per presence lookup, progress report and adaptive decision. */
  windowPages: number;
  /** Base pages per PMD-mapped huge page (512 with 4 KiB pages on x86_64). */
  hugePages: number;
  /** Query dense windows directly instead of asking the presence source first. */
  adaptive: boolean;
  /** Use the kernel's queryAsync, when it has one, for pages found through the presence source. */
  pipeline: boolean;
}

export interface EngineHooks {
  /** Checked before each kernel call and each window. */
  aborted(): boolean;
  progress(donePages: number, totalPages: number): void;
}

export interface EngineStats {
  totalPages: number;
  /** Pages the engine walked: totalPages, less what the regions' `ranges` left out. */
  visitedPages: number;
  /** Addresses sent to move_pages (including one per huge page and one probe per region). */
  queriedPages: number;
  /** Absent pages filled from their region's probe. */
  skippedPages: number;
  /** Pages filled from one query of their huge page. */
  hugePages: number;
  calls: number;
  /** Windows queried directly because the region looked dense. */
  directWindows: number;
  /** Windows for which the presence source was asked. */
  scannedWindows: number;
}

export class ScanAborted extends Error {
  override name = 'ScanAborted';
}
