/**
 * Queues the engine's page queries into move_pages calls of `chunkPages` addresses, and makes
 * the calls: small ones in place, large ones (while `offThread` is on) on koffi's threads so
 * the kernel answers one chunk while the engine builds the next or looks up the next window.
 */
import type { AnswerWriter } from './answer-writer.js';
import { ScanAborted, type EngineHooks, type EngineRegion, type EngineStats, type QueryKernel } from './engine-contract.js';
import { returnBatch, takeBatch, type Batch } from './query-batch.js';

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

export interface QueueLayout {
  pageSize: number;
  /** Addresses per call. */
  chunk: number;
  /** Base pages per PMD-mapped huge page. */
  hugePages: number;
}

export class QueryQueue {
  /** Whether full batches go to other threads (queryAsync) or are answered in place. */
  offThread = false;
  private current: Batch;
  /** Batches whose call completed, for the next sends of this scan. */
  private readonly spare: Batch[] = [];
  /** Batches waiting for a running call to end (at most CONCURRENCY run at once). */
  private readonly ready: Batch[] = [];
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly regions: readonly EngineRegion[],
    private readonly kernel: QueryKernel,
    private readonly writer: AnswerWriter,
    private readonly stats: EngineStats,
    private readonly hooks: Pick<EngineHooks, 'aborted'>,
    private readonly layout: QueueLayout,
  ) {
    this.current = takeBatch(layout.chunk);
  }

  /** Throws the first failed call's error, or ScanAborted once the scan is cancelled. */
  checkAborted(): void {
    this.throwFailure();
    if (this.hooks.aborted()) throw new ScanAborted('scan cancelled');
  }

  throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Queues one query per page of [start, end) in region r. */
  queueEach(r: number, start: number, end: number): void {
    const firstPage = (this.regions[r] as EngineRegion).firstPage;
    let index = start;
    while (index < end) {
      const batch = this.current;
      index += batch.addPages(r, index, firstPage + index, end - index, this.layout.pageSize);
      if (batch.full) this.send();
    }
  }

  /** Queues one query per huge page overlapping [start, end) of region r, to be filled over it. */
  queueHuge(r: number, start: number, end: number): void {
    const firstPage = (this.regions[r] as EngineRegion).firstPage;
    const huge = this.layout.hugePages;
    let index = start;
    while (index < end) {
      const batch = this.current;
      const page = firstPage + index;
      const blockEnd = (Math.floor(page / huge) + 1) * huge - firstPage;
      const count = Math.min(end, blockEnd) - index;
      batch.addFilled(r, index, page, count, this.layout.pageSize);
      this.stats.hugePages += count;
      index += count;
      if (batch.full) this.send();
    }
  }

  /** Waits until at most `limit` calls are running or ready to run. */
  async settle(limit: number): Promise<void> {
    while (this.failure === null && this.ready.length + this.inFlight > limit) await this.nextCompletion();
    this.throwFailure();
  }

  /** Sends what is queued, in place, and waits for every call: all answers are then stored. */
  async finish(): Promise<void> {
    this.offThread = false;
    this.send();
    await this.settle(0);
  }

  /**
   * Waits for running calls whatever happened, since they write into the batches' arrays, and
   * keeps the batches for later scans. (Batches still waiting to run are left only when the
   * scan failed or was cancelled; those of calls that failed or never ran are dropped.)
   */
  async drain(): Promise<void> {
    this.ready.length = 0;
    while (this.inFlight > 0) await this.nextCompletion();
    for (const batch of [this.current, ...this.spare]) returnBatch(batch);
  }

  /** Sends the queued addresses: answered in place, or on another thread while scanning goes on. */
  private send(): void {
    const batch = this.current;
    if (batch.size === 0) return;
    this.checkAborted();
    this.stats.calls++;
    this.stats.queriedPages += batch.size;
    const queryAsync = this.kernel.queryAsync;
    if (!this.offThread || queryAsync === undefined || batch.size < ASYNC_MIN_PAGES) {
      this.kernel.query(batch.addresses, batch.size, batch.status);
      this.writer.store(batch);
      return;
    }
    this.current = this.spare.pop() ?? takeBatch(this.layout.chunk);
    if (this.inFlight >= CONCURRENCY) this.ready.push(batch);
    else this.start(batch, queryAsync);
  }

  private start(batch: Batch, queryAsync: NonNullable<QueryKernel['queryAsync']>): void {
    this.inFlight++;
    queryAsync.call(this.kernel, batch.addresses, batch.size, batch.status).then(
      () => {
        this.inFlight--;
        // The next call first, so the kernel works while this one's answers are stored.
        const next = this.ready.shift();
        if (next) this.start(next, queryAsync);
        try {
          this.writer.store(batch);
        } catch (error) {
          // Storing can refuse (the sampler's limit on statuses held): end the scan with it.
          this.failure ??= { error };
          this.ready.length = 0;
          batch.clear();
        }
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

  private nextCompletion(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
