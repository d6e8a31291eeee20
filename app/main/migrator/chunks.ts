/**
 * How many pages each move_pages call of a move carries.
 *
 * A move call cannot be interrupted, so its length bounds how long a cancel waits and how long
 * progress stands still. DESIGN asks for about 1024 pages or about 20 ms a call, because long
 * calls were said to block the target's mmap writers; in move mode they do not: since Linux
 * 4.17 (a49bd4d71637) the kernel takes and drops the mmap lock for each page it looks up, so
 * only the length of the wait matters. Each call also has a fixed cost (the hand off to a
 * worker thread and back, the kernel's LRU cache drain, the pid check), which at 1024 pages a
 * call was almost half the time of a 512 MiB move in the test guests. So calls start at
 * MIN_CHUNK_PAGES (1024) and, while the kernel moves everything it is sent, grow at most
 * fourfold a call towards what the last call's rate says fits in CALL_BUDGET_MS, never beyond
 * MAX_CHUNK_PAGES (64 MiB of 4 KiB pages); any sign of contention (a page busy, refused or not
 * moved) drops them back to 1024. On current hardware the page cap should bind first (64 MiB
 * at an estimated 1-2.5 us a page is 20-40 ms, the design's order of magnitude); on slow or
 * emulated machines the time budget does (about 10,000 pages, a quarter of a second, in the
 * TCG test guests). `MoveOptions.chunkPages` fixes the size instead. Queries are cheap per page
 * and the kernel retakes the mmap lock every 16 pages, so they go QUERY_CHUNK_PAGES at a time.
 */

/** The smallest call, and the size calls start at (PostgreSQL 18 and numatop use it too). */
export const MIN_CHUNK_PAGES = 1024;
export const MAX_CHUNK_PAGES = 16384;
/** The longest a grown call should last: how long a cancel may wait, progress stand still. */
const CALL_BUDGET_MS = 250;
/** How much a call may grow over the one before. */
const CHUNK_GROWTH = 4;
export const QUERY_CHUNK_PAGES = 16384;
/** Up to this many leftover pages in a retry round go one per call. */
const SINGLE_RETRY_LIMIT = 64;

/** The page count of the next move call. */
export class ChunkSizer {
  pages: number;
  constructor(private readonly fixed: number | null) {
    this.pages = fixed ?? MIN_CHUNK_PAGES;
  }

  /** After a call that carried `pages` pages in `ms`; `clean` when every one of them moved. */
  record(pages: number, ms: number, clean: boolean): void {
    if (this.fixed !== null) return;
    if (!clean) {
      this.pages = MIN_CHUNK_PAGES;
      return;
    }
    // A short call (the end of a list) says little about the rate: keep the size.
    if (pages < this.pages || !(ms > 0)) return;
    const fit = Math.floor((CALL_BUDGET_MS * pages) / ms);
    this.pages = Math.max(MIN_CHUNK_PAGES, Math.min(MAX_CHUNK_PAGES, fit, this.pages * CHUNK_GROWTH));
  }
}

/**
 * Entries per call in a retry round of `entries` entries. A page that never migrates (pinned)
 * makes the kernel abandon the rest of its call, so a few leftover pages go one per call: each
 * gets its own answer. Many leftovers go in small chunks; the pages queued in one batch with a
 * pinned page still migrate.
 */
export function retryChunkPages(entries: number, fixed: number | null): number {
  return entries <= SINGLE_RETRY_LIMIT ? 1 : (fixed ?? MIN_CHUNK_PAGES);
}

/** Pages in the first query call (small, so the moves can start soon) and in each later one. */
export function queryPieces(fixed: number | null): { firstPiece: number; piece: number } {
  return fixed !== null ? { firstPiece: fixed * 4, piece: fixed * 4 } : { firstPiece: MIN_CHUNK_PAGES, piece: QUERY_CHUNK_PAGES };
}
