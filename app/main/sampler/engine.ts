/**
 * The scan loop of the sampler's worker thread: it fills one Int16Array of statuses per
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
 * Nothing here touches the kernel directly: the kernel and the presence source are passed
 * in, so the loop can be tested against a simulated kernel.
 */
import type { ChangeLog } from './changes.js';

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
  status: Int16Array;
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

/** A scanned window with at least this share of present pages (and no huge ones) is dense. */
const DENSE_ENTER = 0.9;
/** A directly queried window with fewer node answers than this share is not. */
const DENSE_LEAVE = 0.75;
/** In a long dense run, ask the source again every this many windows (huge pages may follow). */
const RECHECK_EVERY = 8;

const TWO_32 = 2 ** 32;
const NO_ANSWER = 1; // statuses are <= 0 for absent pages, so 1 marks "not probed yet"

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

/** Addresses queued for one move_pages call, and where each answer goes. */
class Batch {
  readonly addresses: BigUint64Array;
  readonly halves: Uint32Array;
  readonly status: Int32Array;
  size = 0;
  // One segment per run of queued addresses that land in one region: `count` pages from
  // `index`, either one answer per page or (fill) one answer for all of them.
  readonly segRegion: Int32Array;
  readonly segIndex: Float64Array;
  readonly segCount: Float64Array;
  readonly segOffset: Int32Array;
  readonly segFill: Uint8Array;
  segments = 0;

  constructor(readonly capacity: number) {
    this.addresses = new BigUint64Array(capacity);
    this.halves = new Uint32Array(this.addresses.buffer);
    this.status = new Int32Array(capacity);
    this.segRegion = new Int32Array(capacity);
    this.segIndex = new Float64Array(capacity);
    this.segCount = new Float64Array(capacity);
    this.segOffset = new Int32Array(capacity);
    this.segFill = new Uint8Array(capacity);
  }

  addSegment(r: number, index: number, count: number, offset: number, fill: boolean): void {
    const k = this.segments++;
    this.segRegion[k] = r;
    this.segIndex[k] = index;
    this.segCount[k] = count;
    this.segOffset[k] = offset;
    this.segFill[k] = fill ? 1 : 0;
  }
}

/**
 * Batches kept between scans: a 16384-address batch is about 600 KB of zeroed typed arrays,
 * which took longer to allocate than a whole scan of 4 GiB of huge pages takes otherwise.
 */
const spareBatches: Batch[] = [];
const MAX_SPARE_BATCHES = 4;

function takeBatch(capacity: number): Batch {
  const index = spareBatches.findIndex((b) => b.capacity === capacity);
  if (index < 0) return new Batch(capacity);
  const [batch] = spareBatches.splice(index, 1);
  return batch as Batch;
}

function returnBatch(batch: Batch): void {
  batch.size = 0;
  batch.segments = 0;
  if (spareBatches.length < MAX_SPARE_BATCHES) spareBatches.push(batch);
}

/**
 * Smaller calls are made in place: handing a call to another thread costs tens of
 * microseconds plus waking that thread, more than a small call saves by overlapping.
 */
const ASYNC_MIN_PAGES = 4096;

/**
 * Up to two calls run at once on koffi's threads, so the next call is already running when
 * one ends and no call waits for this thread to wake up and start it (chaining the calls one
 * after another measured slower than not using other threads at all).
 */
const CONCURRENCY = 2;

/** Calls running or ready to run while this thread builds the next chunk or looks up the next window. */
const MAX_QUEUED = 1;

class Engine {
  private readonly chunk: number;
  private current: Batch;
  /** Batches whose call completed, for the next sends of this scan. */
  private readonly spare: Batch[] = [];
  /** Batches waiting for a running call to end (at most CONCURRENCY run at once). */
  private readonly ready: Batch[] = [];
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private failure: { error: unknown } | null = null;
  /** Whether full batches go to other threads (queryAsync) or are answered in place. */
  private asyncNow = false;
  private readonly probeAddress = new BigUint64Array(1);
  private readonly probeHalves = new Uint32Array(this.probeAddress.buffer);
  private readonly probeStatus = new Int32Array(1);
  private readonly absent: Int32Array;
  private readonly stats: EngineStats;
  // State of the window being visited (kept in fields so the visitor is one bound function).
  private visitRegion = 0;
  private visitFirst = 0;
  private visitCursor = 0;
  private visitEnd = 0;
  private visitPresent = 0;
  private visitHuge = false;
  /** The rest of the current window already holds the absent answer (see fillAbsent). */
  private windowFilled = false;
  private readonly visitor: RangeVisitor;

  constructor(
    private readonly regions: readonly EngineRegion[],
    private readonly kernel: QueryKernel,
    private readonly source: PresenceSource | null,
    private readonly changes: ChangeLog | null,
    private readonly options: EngineOptions,
    private readonly hooks: EngineHooks,
  ) {
    this.chunk = Math.max(1, Math.floor(options.chunkPages));
    this.current = takeBatch(this.chunk);
    this.absent = new Int32Array(regions.length).fill(NO_ANSWER);
    const totalPages = regions.reduce((sum, r) => sum + r.pages, 0);
    this.stats = { totalPages, queriedPages: 0, skippedPages: 0, hugePages: 0, calls: 0, directWindows: 0, scannedWindows: 0 };
    this.visitor = (first, end, huge) => this.visit(first, end, huge);
  }

  async run(): Promise<EngineStats> {
    try {
      await this.scanAll();
    } finally {
      // Never hand the arrays back while a call may still write into them. (Batches still
      // waiting to run are left only when the scan failed or was cancelled.)
      this.ready.length = 0;
      while (this.inFlight > 0) await this.nextCompletion();
      // Batches of calls that failed or never ran are dropped rather than reused.
      for (const batch of [this.current, ...this.spare]) returnBatch(batch);
    }
    this.throwFailure();
    return this.stats;
  }

  private async scanAll(): Promise<void> {
    const { windowPages, adaptive } = this.options;
    const window = Math.max(1, Math.floor(windowPages));
    const pipeline = this.options.pipeline && this.kernel.queryAsync !== undefined;
    let done = 0;
    for (let r = 0; r < this.regions.length; r++) {
      const region = this.regions[r] as EngineRegion;
      const useSource = this.source !== null && !region.queryAll;
      let direct = !useSource;
      let directRun = 0;
      // The direct window before the current one: judged once its answers are in, so the
      // pipeline never waits for a judgement.
      let judgeFirst = -1;
      let judgeEnd = -1;
      // Windows end at multiples of the window size in absolute page numbers, so (with the
      // window a multiple of the huge page size) no huge page straddles two windows.
      for (let first = 0, end = 0; first < region.pages; first = end) {
        this.checkAborted();
        end = Math.min(region.pages, first + window - ((region.firstPage + first) % window));
        if (direct) {
          // A chunk at a time, so building the next chunk's addresses and storing the last
          // chunk's answers overlap with the kernel's work.
          this.asyncNow = pipeline;
          for (let at = first; at < end; at += this.chunk) {
            this.queueEach(r, at, Math.min(end, at + this.chunk));
            await this.settle(MAX_QUEUED);
          }
          this.stats.directWindows++;
          if (useSource && adaptive) {
            // Queued pages of this window may not be answered yet, so the previous direct
            // window is judged. A wrong guess costs time, never answers.
            if (judgeFirst >= 0 && nodeAnswers(region.status, judgeFirst, judgeEnd) < (judgeEnd - judgeFirst) * DENSE_LEAVE) direct = false;
            judgeFirst = first;
            judgeEnd = end;
            if (++directRun % RECHECK_EVERY === 0) direct = false;
            if (!direct) judgeFirst = -1;
          }
        } else {
          // Calls go to other threads while the following windows are looked up.
          this.asyncNow = pipeline;
          const present = this.scanWindow(r, first, end);
          this.stats.scannedWindows++;
          direct = adaptive && !this.visitHuge && present >= (end - first) * DENSE_ENTER;
          await this.settle(MAX_QUEUED);
        }
        done += end - first;
        this.hooks.progress(done, this.stats.totalPages);
      }
    }
    this.asyncNow = false;
    this.send();
    await this.settle(0);
  }

  private checkAborted(): void {
    this.throwFailure();
    if (this.hooks.aborted()) throw new ScanAborted('scan cancelled');
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits until at most `limit` calls are running or ready to run. */
  private async settle(limit: number): Promise<void> {
    while (this.failure === null && this.ready.length + this.inFlight > limit) await this.nextCompletion();
    this.throwFailure();
  }

  private nextCompletion(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private start(batch: Batch, queryAsync: NonNullable<QueryKernel['queryAsync']>): void {
    this.inFlight++;
    queryAsync.call(this.kernel, batch.addresses, batch.size, batch.status).then(
      () => {
        this.inFlight--;
        // The next call first, so the kernel works while this one's answers are stored.
        const next = this.ready.shift();
        if (next) this.start(next, queryAsync);
        this.store(batch);
        this.spare.push(batch);
        this.wake();
      },
      (error: unknown) => {
        this.inFlight--;
        this.failure ??= { error };
        this.ready.length = 0;
        this.wake();
      },
    );
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Asks the source about [first, end) of region r and queues or fills every page; returns the present count. */
  private scanWindow(r: number, first: number, end: number): number {
    const region = this.regions[r] as EngineRegion;
    this.visitRegion = r;
    this.visitFirst = first;
    this.visitCursor = first;
    this.visitEnd = end;
    this.visitPresent = 0;
    this.visitHuge = false;
    this.windowFilled = false;
    (this.source as PresenceSource).ranges(region.firstPage + first, region.firstPage + end, this.visitor);
    if (this.visitCursor < end) this.fillAbsent(r, this.visitCursor, end);
    return this.visitPresent;
  }

  private visit(rangeStart: number, rangeEnd: number, huge: boolean): void {
    const r = this.visitRegion;
    const start = Math.max(rangeStart + this.visitFirst, this.visitCursor);
    const end = Math.min(rangeEnd + this.visitFirst, this.visitEnd);
    if (end <= start) return;
    if (start > this.visitCursor) {
      // Once the window is filled, gaps cost a count only (sparse memory has one per page).
      if (this.windowFilled) this.stats.skippedPages += start - this.visitCursor;
      else this.fillAbsent(r, this.visitCursor, start);
    }
    if (huge) this.queueHuge(r, start, end);
    else this.queueEach(r, start, end);
    this.visitPresent += end - start;
    if (huge) this.visitHuge = true;
    this.visitCursor = end;
  }

  private writeAddress(halves: Uint32Array, slot: number, page: number): void {
    const address = page * this.options.pageSize;
    halves[2 * slot] = address % TWO_32;
    halves[2 * slot + 1] = Math.floor(address / TWO_32);
  }

  /** Queues one query per page of [start, end) in region r. */
  private queueEach(r: number, start: number, end: number): void {
    const region = this.regions[r] as EngineRegion;
    const pageSize = this.options.pageSize;
    let index = start;
    while (index < end) {
      const batch = this.current;
      const halves = batch.halves;
      const from = batch.size;
      const take = Math.min(this.chunk - from, end - index);
      const address = (region.firstPage + index) * pageSize;
      let lo = address % TWO_32;
      let hi = Math.floor(address / TWO_32);
      for (let slot = from; slot < from + take; slot++) {
        halves[2 * slot] = lo;
        halves[2 * slot + 1] = hi;
        lo += pageSize;
        if (lo >= TWO_32) {
          lo -= TWO_32;
          hi++;
        }
      }
      batch.addSegment(r, index, take, from, false);
      batch.size += take;
      index += take;
      if (batch.size === this.chunk) this.send();
    }
  }

  /** Queues one query per huge page overlapping [start, end) of region r, to be filled over it. */
  private queueHuge(r: number, start: number, end: number): void {
    const region = this.regions[r] as EngineRegion;
    const huge = this.options.hugePages;
    let index = start;
    while (index < end) {
      const batch = this.current;
      const page = region.firstPage + index;
      const blockEnd = (Math.floor(page / huge) + 1) * huge - region.firstPage;
      const count = Math.min(end, blockEnd) - index;
      this.writeAddress(batch.halves, batch.size, page);
      batch.addSegment(r, index, count, batch.size, true);
      batch.size++;
      this.stats.hugePages += count;
      index += count;
      if (batch.size === this.chunk) this.send();
    }
  }

  /** Sends the queued addresses: answered in place, or on another thread while scanning goes on. */
  private send(): void {
    const batch = this.current;
    if (batch.size === 0) return;
    this.checkAborted();
    this.stats.calls++;
    this.stats.queriedPages += batch.size;
    const queryAsync = this.kernel.queryAsync;
    if (!this.asyncNow || queryAsync === undefined || batch.size < ASYNC_MIN_PAGES) {
      this.kernel.query(batch.addresses, batch.size, batch.status);
      this.store(batch);
      return;
    }
    this.current = this.spare.pop() ?? takeBatch(this.chunk);
    if (this.inFlight >= CONCURRENCY) this.ready.push(batch);
    else this.start(batch, queryAsync);
  }

  /** Writes a batch's answers where they belong, and empties it. */
  private store(batch: Batch): void {
    const status = batch.status;
    for (let k = 0; k < batch.segments; k++) {
      const r = batch.segRegion[k] as number;
      const index = batch.segIndex[k] as number;
      const count = batch.segCount[k] as number;
      const offset = batch.segOffset[k] as number;
      const region = this.regions[r] as EngineRegion;
      if (batch.segFill[k] === 1) this.fill(r, index, index + count, status[offset] as number);
      // Single pages are most of the segments in sparse memory: keep them off any call.
      else if (count === 1 && !(region.tracked && this.changes !== null)) region.status[index] = status[offset] as number;
      else this.storeRun(region, index, count, status, offset);
    }
    batch.size = 0;
    batch.segments = 0;
  }

  private storeRun(region: EngineRegion, index: number, count: number, status: Int32Array, offset: number): void {
    const dest = region.status;
    const changes = region.tracked ? this.changes : null;
    if (changes !== null) {
      const pageSize = this.options.pageSize;
      for (let i = 0; i < count; i++) {
        const value = status[offset + i] as number;
        const old = dest[index + i] as number;
        if (old !== value) {
          changes.record((region.firstPage + index + i) * pageSize, old, value);
          dest[index + i] = value;
        }
      }
    } else if (count <= 16) {
      // set() on a subarray costs an object.
      for (let i = 0; i < count; i++) dest[index + i] = status[offset + i] as number;
    } else {
      dest.set(status.subarray(offset, offset + count), index);
    }
  }

  private fill(r: number, start: number, end: number, value: number): void {
    const region = this.regions[r] as EngineRegion;
    const dest = region.status;
    const changes = region.tracked ? this.changes : null;
    if (changes !== null) {
      const pageSize = this.options.pageSize;
      for (let i = start; i < end; i++) {
        const old = dest[i] as number;
        if (old !== value) changes.record((region.firstPage + i) * pageSize, old, value);
      }
    }
    dest.fill(value, start, end);
  }

  /**
   * Gives [start, end) of region r, which the source says is absent, the region's answer for
   * absent pages. In a region without change tracking the rest of the window is filled at
   * the first gap, in one call: ranges visited later are queued, so their answers land on top
   * when they are flushed. Sparse memory has a gap between every two present pages, and one
   * fill() call per gap cost more than the memory writes.
   */
  private fillAbsent(r: number, start: number, end: number): void {
    if (this.windowFilled) {
      this.stats.skippedPages += end - start;
      return;
    }
    const region = this.regions[r] as EngineRegion;
    let index = start;
    let answer = this.absent[r] as number;
    while (answer === NO_ANSWER && index < end) {
      this.checkAborted();
      this.writeAddress(this.probeHalves, 0, region.firstPage + index);
      this.kernel.query(this.probeAddress, 1, this.probeStatus);
      this.stats.calls++;
      this.stats.queriedPages++;
      const probed = this.probeStatus[0] as number;
      if (probed >= 0) {
        // The page became present after the source looked: keep its real answer and probe on.
        this.fill(r, index, index + 1, probed);
        index++;
      } else {
        answer = probed;
        this.absent[r] = answer;
      }
    }
    if (index === end) return;
    if (region.tracked && this.changes !== null) {
      this.fill(r, index, end, answer);
      this.stats.skippedPages += end - index;
    } else {
      region.status.fill(answer, index, this.visitEnd);
      this.windowFilled = true;
      this.stats.skippedPages += end - index;
    }
  }
}

/** Node answers in [start, end), estimated from every 8th page: it only steers the next window. */
function nodeAnswers(status: Int16Array, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i += 8) if ((status[i] as number) >= 0) count += 8;
  return count;
}
