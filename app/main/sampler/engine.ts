/**
 * The scan loop of the sampler's worker thread: it fills one status store per
 * region from move_pages query answers, asking the kernel as little as it can while giving
 * every page exactly the answer a query of that page would give.
 *
 * - Pages a presence source (PAGEMAP_SCAN, or /proc/PID/pagemap) reports as neither present
 *   nor swapped are not asked about one by one: within one VMA the kernel answers every such
 *   page alike (-ENOENT, or -EFAULT for untouched anonymous memory before Linux 6.12, or for
 *   a VMA the kernel will not migrate), so one probe per region learns the answer and runs of
 *   absent pages are filled with it.
 * - A PMD-mapped huge page is one folio, and the kernel answers a tail address with the
 *   folio's node: one query per huge page, its answer filled over all its base pages.
 * - Where a region turns out dense (nearly every page present, no huge pages), looking for
 *   absent pages costs more than it saves, so the following windows are queried directly;
 *   a later window that is not dense (or a periodic re-check) switches back to the source.
 *
 * - Large calls go to other threads (koffi's), so the kernel answers one chunk while this
 *   thread looks up the next window or builds the next chunk; small ones are made in place.
 *
 * The parts: query-queue.ts makes the calls (query-batch.ts holds their addresses),
 * answer-writer.ts stores the answers, window-scan.ts looks windows up through the source,
 * density.ts guesses which windows to query directly; this file walks the regions.
 *
 * Nothing here touches the kernel directly: the kernel and the presence source are passed
 * in, so the loop can be tested against a simulated kernel.
 */
import { AnswerWriter } from './answer-writer.js';
import type { ChangeLog } from './changes.js';
import { DensityGuess } from './density.js';
import type { EngineHooks, EngineOptions, EngineRegion, EngineStats, PresenceSource, QueryKernel } from './engine-contract.js';
import { QueryQueue } from './query-queue.js';
import { WindowScanner } from './window-scan.js';

export {
  ScanAborted,
  type EngineHooks,
  type EngineOptions,
  type EngineRegion,
  type EngineStats,
  type PresenceSource,
  type QueryKernel,
  type RangeVisitor,
  type Strategy,
} from './engine-contract.js';

/** Calls running or ready to run while this thread builds the next chunk or looks up the next window. */
const MAX_QUEUED = 1;

export function runEngine(
  regions: readonly EngineRegion[],
  kernel: QueryKernel,
  source: PresenceSource | null,
  changes: ChangeLog | null,
  options: EngineOptions,
  hooks: EngineHooks,
): Promise<EngineStats> {
  return new Engine(regions, kernel, source, changes, options, hooks).run();
}

/** Pages of the region the engine walks: its `ranges`, or all of it. */
function rangePages(region: EngineRegion): number {
  const ranges = region.ranges ?? null;
  if (ranges === null) return region.pages;
  let pages = 0;
  for (let k = 0; k + 1 < ranges.length; k += 2) pages += Math.max(0, Math.min(region.pages, ranges[k + 1] as number) - (ranges[k] as number));
  return pages;
}

class Engine {
  private readonly stats: EngineStats;
  private readonly queue: QueryQueue;
  private readonly windows: WindowScanner | null;
  private readonly density: DensityGuess;
  /** Pages per window (windows end at its multiples, in absolute page numbers). */
  private readonly window: number;
  private readonly chunk: number;
  /** Whether calls may go to other threads at all. */
  private readonly pipeline: boolean;
  private donePages = 0;

  constructor(
    private readonly regions: readonly EngineRegion[],
    kernel: QueryKernel,
    private readonly source: PresenceSource | null,
    changes: ChangeLog | null,
    options: EngineOptions,
    private readonly hooks: EngineHooks,
  ) {
    const totalPages = regions.reduce((sum, r) => sum + r.pages, 0);
    const visitedPages = regions.reduce((sum, r) => sum + rangePages(r), 0);
    this.stats = { totalPages, visitedPages, queriedPages: 0, skippedPages: 0, hugePages: 0, calls: 0, directWindows: 0, scannedWindows: 0 };
    this.chunk = Math.max(1, Math.floor(options.chunkPages));
    this.window = Math.max(1, Math.floor(options.windowPages));
    this.pipeline = options.pipeline && kernel.queryAsync !== undefined;
    const writer = new AnswerWriter(regions, changes, options.pageSize);
    this.queue = new QueryQueue(regions, kernel, writer, this.stats, hooks, { pageSize: options.pageSize, chunk: this.chunk, hugePages: options.hugePages });
    this.windows = source && new WindowScanner(regions, kernel, source, this.queue, writer, this.stats, options.pageSize);
    this.density = new DensityGuess(options.adaptive);
  }

  async run(): Promise<EngineStats> {
    try {
      await this.scanAll();
    } finally {
      // Never hand the arrays back while a call may still write into them.
      await this.queue.drain();
    }
    this.queue.throwFailure();
    return this.stats;
  }

  // One async function for every region and window: an async call per region or window
  // measured as a cost of its own on processes with many small regions.
  private async scanAll(): Promise<void> {
    for (let r = 0; r < this.regions.length; r++) {
      const region = this.regions[r] as EngineRegion;
      this.density.startRegion(this.source !== null && !region.queryAll);
      const ranges = region.ranges ?? null;
      const count = ranges === null ? 1 : ranges.length / 2;
      for (let k = 0; k < count; k++) {
        let first = ranges === null ? 0 : (ranges[2 * k] as number);
        const last = ranges === null ? region.pages : Math.min(region.pages, ranges[2 * k + 1] as number);
        while (first < last) {
          this.queue.checkAborted();
          const end = Math.min(last, this.windowEnd(region, first));
          if (this.density.queryDirectly) {
            // A chunk at a time, so building the next chunk's addresses and storing the last
            // chunk's answers overlap with the kernel's work.
            this.queue.offThread = this.pipeline;
            for (let at = first; at < end; at += this.chunk) {
              this.queue.queueEach(r, at, Math.min(end, at + this.chunk));
              await this.queue.settle(MAX_QUEUED);
            }
            this.stats.directWindows++;
            this.density.afterDirect(region.status, first, end);
          } else {
            await this.lookUpWindow(r, first, end);
          }
          this.donePages += end - first;
          this.hooks.progress(this.donePages, this.stats.visitedPages);
          first = end;
        }
      }
    }
    await this.queue.finish();
  }

  /**
   * Windows end at multiples of the window size in absolute page numbers, so (with the
   * window a multiple of the huge page size) no huge page straddles two windows.
   */
  private windowEnd(region: EngineRegion, first: number): number {
    return Math.min(region.pages, first + this.window - ((region.firstPage + first) % this.window));
  }

  /** Looks [first, end) of region r up through the source; calls go to other threads meanwhile. */
  private lookUpWindow(r: number, first: number, end: number): Promise<void> {
    const windows = this.windows as WindowScanner;
    this.queue.offThread = this.pipeline;
    const present = windows.scan(r, first, end);
    this.stats.scannedWindows++;
    this.density.afterLookup(present, end - first, windows.sawHuge);
    return this.queue.settle(MAX_QUEUED);
  }
}
