/**
 * Carries out a planned move (a MoveJob): the query that is also the undo record runs ahead
 * (survey.ts), the pages go in growing calls (chunks.ts) whose answers are read by calls.ts,
 * busy pages get a few more rounds, and outcome.ts writes the record.
 *
 * How the pages go: straight from the runs as the query finds them when they all go to one
 * node, until the huge page hints (read from smaps, which takes as long as the first move call
 * or longer) show a huge folio may be among them; the rest then goes from a list of the whole
 * range, one address per presumed folio, as do moves to several nodes (an undo). Pages of a
 * huge folio sent one by one before that are still moved right: the folio goes with its first
 * page, the others answer -EBUSY and are found on the target when asked again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { kernelBackend, overlaps, type MoveBackend } from './backend.js';
import { MoveCalls } from './calls.js';
import { ChunkSizer, MAX_CHUNK_PAGES, queryPieces, retryChunkPages } from './chunks.js';
import { MigratorError } from './errors.js';
import { moveResult } from './outcome.js';
import { addressesOf, indicesOf, PendingCursor } from './pending.js';
import { buildMoveList, chunkEnd, hugeHints, type HugeRange } from './plan.js';
import { anyBusy } from './settle.js';
import { cancelled, notStartedError, Stop, stopFor } from './stop.js';
import { bytesOf, PageState, Survey } from './survey.js';
import type { MoveJob, MoveOptions, MoveProgress, MoveResult } from './types.js';

/** Runs a planned move; tests pass a simulated backend. */
export function execute(job: MoveJob, options: MoveOptions, backend: MoveBackend = kernelBackend): Promise<MoveResult> {
  return new MoveRun(job, options, backend).run();
}

/** Let the event loop (and the UI behind it) breathe between chunks. */
const breathe = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

export class MoveRun {
  /** Pages per move call when the caller fixed it, else null (sized as it goes). */
  private readonly fixedChunk: number | null;
  private readonly busyRetries: number;
  private readonly retryDelayMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly progress: (progress: MoveProgress) => void;
  private readonly status: Int32Array;
  private readonly current: Int32Array;
  private readonly hugeRanges: Promise<HugeRange[]>;
  private readonly survey: Survey;
  private readonly calls: MoveCalls;
  private readonly sizer: ChunkSizer;
  /** Pages the query has answered and copied into `status` and `current`. */
  private answered = 0;
  /** Set when the move will not start: the rest of the query is not wanted. */
  private abandoned = false;
  /** Whether the huge page hints show a huge folio may be in the range; null until they are read. */
  private hugeOverlap: boolean | null = null;

  constructor(
    private readonly job: MoveJob,
    options: MoveOptions,
    private readonly backend: MoveBackend,
  ) {
    this.fixedChunk = options.chunkPages === undefined ? null : Math.max(1, Math.floor(options.chunkPages));
    this.busyRetries = Math.max(0, Math.floor(options.busyRetries ?? 3));
    this.retryDelayMs = Math.max(0, options.retryDelayMs ?? 20);
    this.signal = options.signal;
    this.progress = options.onProgress ?? (() => {});
    const total = job.pages.length;
    this.status = new Int32Array(total);
    this.current = new Int32Array(total);
    // Read alongside the query rather than after it: the answer is only a hint, and waiting for
    // it in turn would add its latency to every move.
    this.hugeRanges = backend.hugeRanges(job.identity.pid).catch((): HugeRange[] => []);
    // Nothing is sent before it has been asked about.
    this.survey = new Survey({
      identity: job.identity,
      pages: job.pages,
      targets: job.targets,
      toNode: job.toNode,
      knownSpans: job.knownSpans ?? [],
      ...queryPieces(this.fixedChunk),
      query: (p, addresses, nodes, flags, out) => backend.movePages(p, addresses, nodes, flags, out),
      halt: () => this.abandoned || (!this.calls.sent && this.signal?.aborted === true),
      onAnswered: (to) => this.answeredTo(to),
    });
    const book = { targets: job.targets, state: this.survey.state, status: this.status, current: this.current };
    this.calls = new MoveCalls({ identity: job.identity, flags: job.flags, pages: job.pages, book, signal: this.signal, backend });
    this.sizer = new ChunkSizer(this.fixedChunk);
  }

  async run(): Promise<MoveResult> {
    void this.hugeRanges.then((ranges) => (this.hugeOverlap = overlaps(ranges, this.job.segments)));
    await this.start();
    const stop = await this.moveAll();
    // The record must be whole, whatever stopped the moves (the query outruns them, and ends
    // by itself when the process has gone).
    await this.survey.finished;
    if (!this.calls.sent) await this.notStarted();
    return moveResult({ job: this.job, survey: this.survey, status: this.status, current: this.current, moved: this.calls.moved, stop });
  }

  private answeredTo(to: number): void {
    const before = this.survey.before.subarray(this.answered, to);
    this.status.set(before, this.answered);
    this.current.set(before, this.answered);
    this.answered = to;
    if (!this.calls.sent) this.progress({ phase: 'query', done: to, total: this.job.pages.length });
  }

  /** Waits for what the first call needs; throws MigratorError when the move does not start. */
  private async start(): Promise<void> {
    try {
      if (this.job.toNode === null) await Promise.all([this.hugeRanges, this.survey.finished]);
      else await this.survey.reach(1);
      await this.notStarted();
      if (this.signal?.aborted) throw new MigratorError('ABORTED', this.job.identity.pid, 'move cancelled before any page was moved');
    } catch (error) {
      // Nothing was sent, and the rest of the query is not wanted.
      this.abandoned = true;
      await this.survey.finished;
      throw error;
    }
  }

  /** Throws MigratorError when the query failed, or was cancelled, before any page was sent. */
  private async notStarted(): Promise<void> {
    if (this.survey.error !== null) throw await notStartedError(this.survey.error, this.job.identity, this.backend);
  }

  /** Every pass and retry round; returns why they stopped early, or null. */
  private async moveAll(): Promise<Stop | null> {
    const { job, survey } = this;
    try {
      if (job.toNode !== null) await this.streamPass(job.toNode);
      await survey.finished;
      const ranges = await this.hugeRanges;
      const hints = overlaps(ranges, job.segments) ? hugeHints(job.pages, ranges) : null;
      // The query stopped early (the process went away, or a cancel before any call): if pages
      // were sent, the move ends like any other stopped one; if not, it never started.
      if (survey.error !== null) throw await stopFor(survey.error, job.identity, this.backend);
      if (survey.state.includes(PageState.Pending)) await this.listPass(PageState.Pending, 'move', hints);
      // Stretches wrongly taken for huge folios, one address per page this time.
      if (survey.state.includes(PageState.Pending)) await this.listPass(PageState.Pending, 'move', null);
      for (let round = 0; round < this.busyRetries && survey.state.includes(PageState.Retry); round++) {
        await this.pauseBeforeRetry(round);
        await this.listPass(PageState.Retry, 'retry', hints);
      }
      return null;
    } catch (error) {
      return error instanceof Stop ? error : await stopFor(error, job.identity, this.backend);
    }
  }

  /** Only real contention deserves a pause; pages left over from a folio guess do not. */
  private async pauseBeforeRetry(round: number): Promise<void> {
    if (this.retryDelayMs <= 0 || !anyBusy(this.survey.state, this.status)) return;
    try {
      await sleep(this.retryDelayMs * 2 ** round, undefined, this.signal ? { signal: this.signal } : {});
    } catch {
      throw cancelled();
    }
  }

  /** One pass over the pages in state `want`, through a move list (any targets, folio hints). */
  private async listPass(want: PageState, phase: 'move' | 'retry', hints: Uint32Array | null): Promise<void> {
    const { pages, targets, pageSize } = this.job;
    const list = buildMoveList({ pages, current: this.current, targets, include: this.survey.state, want, hints, pageSize });
    const entries = list.addresses.length;
    const retryChunk = phase === 'retry' ? retryChunkPages(entries, this.fixedChunk) : 0;
    let phaseTotal = 0;
    for (let e = 0; e < entries; e++) phaseTotal += list.count[e] as number;
    let phaseDone = 0;
    const answer = new Int32Array(entries);
    for (let from = 0; from < entries; ) {
      const to = chunkEnd(list, from, retryChunk || this.sizer.pages);
      const out = answer.subarray(from, to);
      const { notMoved, ms } = await this.calls.send(list.addresses.subarray(from, to), list.nodes.subarray(from, to), out);
      const { covered, clean } = await this.calls.settle(list.first.subarray(from, to), list.count.subarray(from, to), list.nodes.subarray(from, to), out, notMoved);
      if (phase === 'move') this.sizer.record(covered, ms, clean);
      from = to;
      phaseDone += covered;
      this.progress({ phase, done: phaseDone, total: phaseTotal });
      await breathe();
    }
  }

  /**
   * The move pass for one target node and no huge folios, straight from the runs of pages to
   * move as the query finds them: a call that returned 0 with every page answering the target
   * is recorded with fills. A call takes the runs found so far; it waits only when there are
   * none. Stops before the next call once the huge page hints show a folio may be in the
   * range, leaving the rest Pending.
   */
  private async streamPass(target: number): Promise<void> {
    const { survey, calls, sizer } = this;
    const total = this.job.pages.length;
    const scratch = Math.min(total, this.fixedChunk ?? MAX_CHUNK_PAGES);
    const nodes = new Int32Array(scratch).fill(target);
    const answer = new Int32Array(scratch);
    const gather = new BigUint64Array(scratch);
    const cursor = new PendingCursor(survey.pendingRuns);
    let phaseDone = 0;
    while (this.hugeOverlap !== true) {
      if (cursor.caughtUp) {
        if (survey.done) return;
        // A cancel while the query looks for more to move: before anything was sent, the
        // query itself stops (see `halt`); after, nothing more is sent.
        if (calls.sent && this.signal?.aborted) throw cancelled();
        await survey.advance();
        continue;
      }
      const { pieces, pages: n } = cursor.take(Math.min(sizer.pages, scratch));
      const addresses = addressesOf(this.job.pages, pieces, n, gather);
      const out = answer.subarray(0, n);
      const sentNodes = nodes.subarray(0, n);
      const { notMoved, ms } = await calls.send(addresses, sentNodes, out);
      let clean = notMoved === 0 && bytesOf(out).equals(bytesOf(sentNodes));
      if (clean) calls.recordMoved(pieces, target, n);
      else ({ clean } = await calls.settle(indicesOf(pieces, n), new Uint32Array(n).fill(1), sentNodes, out, notMoved));
      sizer.record(n, ms, clean);
      phaseDone += n;
      // Until the query ends, the total counts the pages not yet asked about as if they had to move.
      this.progress({ phase: 'move', done: phaseDone, total: survey.toMove + (survey.done ? 0 : total - survey.known) });
      await breathe();
    }
  }
}
