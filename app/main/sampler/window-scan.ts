/**
 * One window of a region looked up through the presence source: present and swapped pages
 * are queued for the kernel (one query per huge page), and absent ones get their region's
 * answer for absent pages, learnt from one probe per region.
 */
import type { AnswerWriter } from './answer-writer.js';
import type { EngineRegion, EngineStats, PresenceSource, QueryKernel, RangeVisitor } from './engine-contract.js';
import { writePageAddress } from './query-batch.js';
import type { QueryQueue } from './query-queue.js';

const NO_ANSWER = 1; // statuses are <= 0 for absent pages, so 1 marks "not probed yet"

export class WindowScanner {
  /** Per region, the kernel's answer for its absent pages once probed. */
  private readonly absent: Int32Array;
  private readonly probeAddress = new BigUint64Array(1);
  private readonly probeHalves = new Uint32Array(this.probeAddress.buffer);
  private readonly probeStatus = new Int32Array(1);
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
    private readonly source: PresenceSource,
    private readonly queue: QueryQueue,
    private readonly writer: AnswerWriter,
    private readonly stats: EngineStats,
    private readonly pageSize: number,
  ) {
    this.absent = new Int32Array(regions.length).fill(NO_ANSWER);
    this.visitor = (first, end, huge) => this.visit(first, end, huge);
  }

  /** Whether the last scanned window had huge pages. */
  get sawHuge(): boolean {
    return this.visitHuge;
  }

  /** Asks the source about [first, end) of region r and queues or fills every page; returns the present count. */
  scan(r: number, first: number, end: number): number {
    const region = this.regions[r] as EngineRegion;
    this.visitRegion = r;
    this.visitFirst = first;
    this.visitCursor = first;
    this.visitEnd = end;
    this.visitPresent = 0;
    this.visitHuge = false;
    this.windowFilled = false;
    this.source.ranges(region.firstPage + first, region.firstPage + end, this.visitor);
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
    if (huge) this.queue.queueHuge(r, start, end);
    else this.queue.queueEach(r, start, end);
    this.visitPresent += end - start;
    if (huge) this.visitHuge = true;
    this.visitCursor = end;
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
      const probed = this.probe(region.firstPage + index);
      if (probed >= 0) {
        // The page became present after the source looked: keep its real answer and probe on.
        this.writer.fill(r, index, index + 1, probed);
        index++;
      } else {
        answer = probed;
        this.absent[r] = answer;
      }
    }
    if (index === end) return;
    if (this.writer.tracksChanges(r)) {
      this.writer.fill(r, index, end, answer);
    } else {
      region.status.fill(answer, index, this.visitEnd);
      this.windowFilled = true;
    }
    this.stats.skippedPages += end - index;
  }

  /** Asks the kernel about one page, in place. */
  private probe(page: number): number {
    this.queue.checkAborted();
    writePageAddress(this.probeHalves, 0, page, this.pageSize);
    this.kernel.query(this.probeAddress, 1, this.probeStatus);
    this.stats.calls++;
    this.stats.queriedPages++;
    return this.probeStatus[0] as number;
  }
}
