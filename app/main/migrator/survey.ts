/**
 * Where the pages of a move are before it: the query that is also the undo record.
 *
 * The query runs ahead of the moves instead of before them. Asking where a page is costs the
 * kernel a small fraction of moving it (about 1 us against 15-25 us a page in the test
 * guests), so once the first piece is answered the moves can start while the rest is asked
 * about on another thread, and the query stays far ahead of them. Waiting for the whole query
 * first cost 120-170 ms before the first move call of a 512 MiB move in the guests, 6-8% of
 * the move. The record stays exact: every page is asked about before it is sent.
 *
 * Pages in spans whose place is already known (known.ts) are filled in without a query.
 *
 * Each answered piece is classified at once: a page present and not on its target is Pending
 * (and joins the runs of pages to move), a page not present or already there is Idle.
 */
import { performance } from 'node:perf_hooks';
import type { ProcessIdentity } from '../../common/types.js';
import type { KnownSpan } from './known.js';

export const enum PageState {
  /** Not present, or already on its target: nothing to do. */
  Idle = 0,
  Pending = 1,
  Moved = 2,
  Failed = 3,
  Retry = 4,
}

/** Pages whose answers are compared in one memcmp when classifying them. */
const CLASSIFY_BLOCK_PAGES = 4096;

/** Byte views for comparing typed arrays with memcmp (Buffer.equals) instead of a JS loop. */
export const bytesOf = (values: Int32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

export type QueryCall = (pid: number, pages: BigUint64Array, nodes: null, flags: 0, status: Int32Array) => Promise<unknown>;

export interface SurveyInput {
  identity: ProcessIdentity;
  pages: BigUint64Array;
  /** Per page, the node it should go to. */
  targets: Int32Array;
  /** The single target of every page, or null when they differ (an undo). */
  toNode: number | null;
  /** Pages whose place is already known (see known.ts), ascending: filled in, not asked about. */
  knownSpans: readonly KnownSpan[];
  /** Pages in the first query call (small, so the moves can start soon), then in each later one. */
  firstPiece: number;
  piece: number;
  query: QueryCall;
  /** Asked before each query call; true stops the query with `halted` as its error. */
  halt: () => boolean;
  /** After each answered piece: pages answered so far. */
  onAnswered: (done: number) => void;
}

export class SurveyHalted extends Error {
  constructor() {
    super('query halted');
    this.name = 'SurveyHalted';
  }
}

export class Survey {
  /** Per page, where it was when asked: a node, or a negative errno (not present). */
  readonly before: Int32Array;
  /** Per page, what the move should do with it; the executor moves it on from Pending. */
  readonly state: Uint8Array;
  /** Pages answered and classified so far, always a prefix of the page list. */
  known = 0;
  toMove = 0;
  alreadyOnTarget = 0;
  notPresentCount = 0;
  /** Pages not present, by status. */
  readonly notPresent = new Map<number, number>();
  /**
   * [start, end) pairs of page indices found Pending, ascending. Only ever appended to, so a
   * reader can walk it while it grows; runs of neighbouring pieces are not merged here.
   */
  readonly pendingRuns: number[] = [];
  /** Why the query stopped before the end, or null. Pages from `known` on were never asked about. */
  error: unknown = null;
  /** Milliseconds the query calls took in all. */
  queryMs = 0;
  /** Pages asked about, and pages filled in from known spans. */
  askedPages = 0;
  knownPages = 0;
  /** Resolves when the query has ended, completely or with `error`; never rejects. */
  readonly finished: Promise<void>;

  private waiters: (() => void)[] = [];
  private ended = false;
  private readonly sameValue: Int32Array;
  private sameValueOf: number | null = null;

  constructor(private readonly input: SurveyInput) {
    const total = input.pages.length;
    this.before = new Int32Array(total);
    this.state = new Uint8Array(total);
    this.sameValue = new Int32Array(Math.min(total, CLASSIFY_BLOCK_PAGES));
    this.finished = this.run();
  }

  get total(): number {
    return this.input.pages.length;
  }

  get done(): boolean {
    return this.ended;
  }

  /** Resolves when more pages are known or the query has ended. */
  advance(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once at least `pages` pages are known, or the query has ended. */
  async reach(pages: number): Promise<void> {
    while (!this.ended && this.known < Math.min(pages, this.total)) await this.advance();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async run(): Promise<void> {
    const { pages, identity, query, halt, onAnswered } = this.input;
    const total = pages.length;
    try {
      // Callbacks see a constructed survey even when every page is known without a query.
      await Promise.resolve();
      let size = this.input.firstPiece;
      let span = 0;
      for (let from = 0; from < total; ) {
        if (halt()) throw new SurveyHalted();
        const known = this.input.knownSpans[span];
        let to: number;
        if (known && known.from <= from) {
          to = Math.min(total, known.to);
          this.before.fill(known.node, from, to);
          this.knownPages += to - from;
          span++;
        } else {
          to = Math.min(total, from + size, known ? known.from : total);
          const started = performance.now();
          await query(identity.pid, pages.subarray(from, to), null, 0, this.before.subarray(from, to));
          this.queryMs += performance.now() - started;
          this.askedPages += to - from;
          size = this.input.piece;
        }
        this.classify(from, to);
        this.known = to;
        onAnswered(to);
        this.wake();
        from = to;
      }
    } catch (error) {
      this.error = error;
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  /**
   * Decides pages [from, to). Most of a real range is long stretches on one node, so with a
   * single target a block whose answers are all alike is decided whole, with no JavaScript
   * work per page (under the guests' emulation each per-page loop over 512 MiB cost 50-250 ms).
   */
  private classify(from: number, to: number): void {
    const { before, state, pendingRuns } = this;
    const { targets, toNode } = this.input;
    const beforeBytes = bytesOf(before);
    const addRun = (a: number, b: number): void => {
      const last = pendingRuns.length;
      // Merged only within this piece, which no reader has seen yet.
      if (last > 0 && pendingRuns[last - 1] === a && a > from) pendingRuns[last - 1] = b;
      else pendingRuns.push(a, b);
    };
    for (let block = from; block < to; block += CLASSIFY_BLOCK_PAGES) {
      const end = Math.min(to, block + CLASSIFY_BLOCK_PAGES);
      const first = before[block] as number;
      if (toNode !== null) {
        if (this.sameValueOf !== first) {
          this.sameValue.fill(first);
          this.sameValueOf = first;
        }
        if (beforeBytes.subarray(block * 4, end * 4).equals(bytesOf(this.sameValue.subarray(0, end - block)))) {
          const n = end - block;
          if (first >= 0 && first !== toNode) {
            state.fill(PageState.Pending, block, end);
            this.toMove += n;
            addRun(block, end);
          } else if (first < 0) {
            this.notPresentCount += n;
            this.notPresent.set(first, (this.notPresent.get(first) ?? 0) + n);
          } else {
            this.alreadyOnTarget += n;
          }
          continue;
        }
      }
      for (let i = block; i < end; i++) {
        const node = before[i] as number;
        if (node >= 0 && node !== targets[i]) {
          state[i] = PageState.Pending;
          this.toMove++;
          addRun(i, i + 1);
        } else if (node < 0) {
          this.notPresentCount++;
          this.notPresent.set(node, (this.notPresent.get(node) ?? 0) + 1);
        } else {
          this.alreadyOnTarget++;
        }
      }
    }
  }
}
