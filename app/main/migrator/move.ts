/**
 * Moving the pages of address ranges of a process to a node with move_pages(2), and undoing it.
 *
 * The order of work: check the process and the target node; clip the ranges to the mappings;
 * in large ranges, list only the pages pagemap shows present (present.ts: a sparse reservation
 * of terabytes would otherwise cost gigabytes); find where every listed page is, which is also
 * the undo record (whole mappings numa_maps shows on one node need no query, see known.ts; the
 * other pages are asked about in query mode, and for a move to one node the query runs ahead
 * of the moves, see survey.ts); send the present
 * pages that are not on the target, one address per presumed huge folio, sorted by target node,
 * in bounded chunks (see "Chunk sizes" below); after each chunk ask again where the pages are whose
 * answer is not already final, because the kernel's per-page answers are incomplete when part
 * of a batch fails (it stops and writes no status for the rest); retry busy pages a few times;
 * count and explain.
 *
 * Chunk sizes. A move call cannot be interrupted, so its length bounds how long a cancel waits
 * and how long progress stands still. DESIGN asks for about 1024 pages or about 20 ms a call,
 * because long calls were said to block the target's mmap writers; in move mode they do not:
 * since Linux 4.17 (a49bd4d71637) the kernel takes and drops the mmap lock for each page it
 * looks up, so only the length of the wait matters. Each call also has a fixed cost (the hand
 * off to a worker thread and back, the kernel's LRU cache drain, the pid check), which at 1024
 * pages a call was almost half the time of a 512 MiB move in the test guests. So calls start at
 * MIN_CHUNK_PAGES (1024) and, while the kernel moves everything it is sent, grow at most
 * fourfold a call towards what the last call's rate says fits in CALL_BUDGET_MS, never beyond
 * MAX_CHUNK_PAGES (64 MiB of 4 KiB pages); any sign of contention (a page busy, refused or not
 * moved) drops them back to 1024. On current hardware the page cap should bind first (64 MiB
 * at an estimated 1-2.5 us a page is 20-40 ms, the design's order of magnitude); on slow or
 * emulated machines the time budget does (about 10,000 pages, a quarter of a second, in the
 * TCG test guests). `chunkPages` fixes the size instead. Queries are cheap per page and the
 * kernel retakes the mmap lock every 16 pages, so they go QUERY_CHUNK_PAGES at a time.
 *
 * Throws MigratorError when the move cannot start: no such process, another process under the
 * pid, a bad node, MOVE_ALL not permitted, nothing mapped, or the query failing (the process
 * exited, or the signal fired, before any page was sent). A query that fails after the first
 * page was sent ends the move like any other exit, with the pages it never reached counted as
 * not attempted. From the first page sent on, it
 * always resolves with a MoveResult whose outcome says whether it completed, was cancelled,
 * ended because the process exited, or failed as a whole; the result holds what did move and
 * how to undo it.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, movePages } from '../../../native/index.js';
import { ERRNO, explainPageStatus } from '../../common/status-reasons.js';
import type { MoveCounts, NumaMapsEntry, ProcessIdentity } from '../../common/types.js';
import { parseStatmResident } from '../proc/list.js';
import { readMaps } from '../proc/maps.js';
import { readNumaMaps } from '../proc/numaMaps.js';
import { readSmaps } from '../proc/smaps.js';
import { readPageSize } from '../system/pageSize.js';
import { MigratorError, errorCode } from './errors.js';
import {
  buildMoveList,
  chunkEnd,
  clipToVmas,
  countPages,
  hugeHints,
  pageAddresses,
  pageAddressesOfRuns,
  segmentRuns,
  segmentsOfPages,
  type AddressRange,
  type HugeRange,
} from './plan.js';
import { PageState, Survey, SurveyHalted, bytesOf } from './survey.js';
import { knownSpans, numaMapsWorthReading, type KnownSpan } from './known.js';
import { findPresentPages, presenceWanted, type PresentPages } from './present.js';
import { checkIdentity, checkMoveAllAllowed, checkTargetNodes, describeCallFailure, judgeTargetNodes, readNodeFacts, whyGoneNow } from './preflight.js';

export interface MoveRequest {
  pid: number;
  /** Address ranges, [start, end); they are page-aligned outwards and clipped to the mappings. */
  ranges: readonly AddressRange[];
  toNode: number;
  /** MPOL_MF_MOVE_ALL: also move pages shared with other processes (needs CAP_SYS_NICE). */
  moveAll?: boolean;
  /** The process the caller planned for; the move is refused if the pid now names another. */
  expectedIdentity?: ProcessIdentity;
}

export interface MoveProgress {
  /** 'query': reading where pages are; 'move': moving; 'retry': moving pages that were busy. */
  phase: 'query' | 'move' | 'retry';
  /** Pages done and in total in this phase. */
  done: number;
  total: number;
}

export interface MoveOptions {
  signal?: AbortSignal;
  onProgress?: (progress: MoveProgress) => void;
  /**
   * Pages per move_pages call, fixed. By default calls start at 1024 pages and grow while
   * nothing is contended, keeping each call near a time budget (see "Chunk sizes" above).
   */
  chunkPages?: number;
  /**
   * Place whole mappings from numa_maps instead of asking about each of their pages, when that
   * should be cheaper (default true; see known.ts). False asks about every page.
   */
  numaMaps?: boolean;
  /**
   * Find the present pages first (pagemap) and list, ask about and move only those: true
   * always, false never (every page of the ranges is listed), by default when the ranges map
   * at least PRESENCE_MIN_PAGES pages (see present.ts).
   */
  presence?: boolean;
  /** Extra rounds for pages that were busy (default 3). */
  busyRetries?: number;
  /** Delay before the first retry round, doubled each round (default 20 ms). */
  retryDelayMs?: number;
}

export type MoveOutcome = 'complete' | 'cancelled' | 'exited' | 'failed';

export interface StatusCount {
  /** The negative errno. */
  status: number;
  code: string;
  pages: number;
  reason: string;
}

export type { MoveCounts };

/** Enough to put every moved page back where it was. */
export interface UndoPlan {
  identity: ProcessIdentity;
  flags: number;
  /** Pages that moved, ascending. */
  pages: BigUint64Array;
  /** Where each of them was before. */
  nodes: Int32Array;
}

export interface MoveResult {
  identity: ProcessIdentity;
  /** The node pages were sent to; null for an undo, which sends pages to several nodes. */
  toNode: number | null;
  flags: number;
  outcome: MoveOutcome;
  /** One line for people: what happened, and why it stopped if it did not complete. */
  message: string;
  /** The whole-call failure behind a 'failed' or 'exited' outcome. */
  error: { code: string; message: string } | null;
  pageSize: number;
  /** The page-aligned pieces of the request inside mappings; the per-page arrays cover their listed pages. */
  segments: AddressRange[];
  /**
   * The pages of the segments that were listed, ascending: every page, or when presence was
   * looked up first (see present.ts) those present when the move began.
   */
  pages: BigUint64Array;
  /** Per page, before the move: a node, or a negative errno (not present). */
  before: Int32Array;
  /**
   * Per page, after: the node it is on (moved, already there, or not attempted), or the
   * negative errno explaining why it is not on the target (failed or not present).
   */
  status: Int32Array;
  /**
   * Per segment, the status of its pages that were not listed (not present when the move
   * began); absent when every page was listed. statusRuns() puts the two together.
   */
  unlistedStatus?: Int32Array;
  counts: MoveCounts;
  /** Failed pages by errno, most pages first. */
  failures: StatusCount[];
  /** Pages that were not there to move, by errno. */
  notPresent: StatusCount[];
  undo: UndoPlan;
  /**
   * How the record of where pages were was made: pages asked about with a query, pages whose
   * place numa_maps gave whole (see known.ts), and the time of the query calls.
   */
  survey: { askedPages: number; knownPages: number; queryMs: number };
  durationMs: number;
}

// Written into status buffers before each call: where it survives, the kernel did not answer
// for the page (it stops at the first batch that fails to migrate completely).
const NOT_WRITTEN = -0x7fffffff;
const RETRYABLE = new Set<number>([-ERRNO.EBUSY, -ERRNO.EAGAIN]);
const SINGLE_RETRY_LIMIT = 64;
/** The smallest call, and the size calls start at (PostgreSQL 18 and numatop use it too). */
const MIN_CHUNK_PAGES = 1024;
const MAX_CHUNK_PAGES = 16384;
/** The longest a grown call should last: how long a cancel may wait, progress stand still. */
const CALL_BUDGET_MS = 250;
/** How much a call may grow over the one before. */
const CHUNK_GROWTH = 4;
const QUERY_CHUNK_PAGES = 16384;

export interface MoveJob {
  identity: ProcessIdentity;
  flags: number;
  toNode: number | null;
  pageSize: number;
  segments: AddressRange[];
  pages: BigUint64Array;
  targets: Int32Array;
  requested: number;
  unmapped: number;
  started: number;
  /** Pages whose place is known without a query (see known.ts). */
  knownSpans?: readonly KnownSpan[];
  /** Pages of the segments left out of `pages` as not present, per segment, with their status. */
  unlisted?: { pages: readonly number[]; status: Int32Array };
}

/** Why the work stopped before the end. */
class Stop {
  constructor(
    readonly outcome: 'cancelled' | 'exited' | 'failed',
    readonly code: string,
    readonly detail: string,
  ) {}
}

interface Settings {
  /** Pages per move call when the caller fixed it, else null (sized as it goes). */
  fixedChunk: number | null;
  busyRetries: number;
  retryDelayMs: number;
}

function defaults(options: MoveOptions): Settings {
  return {
    fixedChunk: options.chunkPages === undefined ? null : Math.max(1, Math.floor(options.chunkPages)),
    busyRetries: Math.max(0, Math.floor(options.busyRetries ?? 3)),
    retryDelayMs: Math.max(0, options.retryDelayMs ?? 20),
  };
}

/** The page count of the next move call (see "Chunk sizes" at the top); exported for tests. */
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

/** Mappings that may hold huge folios, with the folio size to group by. */
async function readHugeRanges(pid: number): Promise<HugeRange[]> {
  try {
    const smaps = await readSmaps(pid);
    const pmd = await readPmdSize();
    const ranges: HugeRange[] = [];
    for (const entry of smaps) {
      // 'ht': a hugetlb mapping, whose pages are all of the mapping's kernel page size.
      if (entry.vmFlags.includes('ht') && entry.kernelPageSize > 0) {
        ranges.push({ start: entry.start, end: entry.end, folioSize: entry.kernelPageSize });
      } else if (entry.anonHugePages > 0 || entry.shmemPmdMapped > 0 || entry.filePmdMapped > 0) {
        ranges.push({ start: entry.start, end: entry.end, folioSize: pmd });
      }
    }
    return ranges;
  } catch {
    // Without hints every page goes on its own: slower for huge pages, never wrong.
    return [];
  }
}

let pmdSize: Promise<number> | undefined;
function readPmdSize(): Promise<number> {
  pmdSize ??= readFile('/sys/kernel/mm/transparent_hugepage/hpage_pmd_size', 'utf8')
    .then((text) => Number(text.trim()) || 2 << 20)
    .catch(() => 2 << 20);
  return pmdSize;
}

/** Classifies a whole-call failure: the process went away, or the call itself failed. */
async function stopFor(error: unknown, identity: ProcessIdentity, backend: MoveBackend): Promise<Stop> {
  const code = errorCode(error) ?? 'EIO';
  if (code === 'ESRCH' || code === 'EINVAL' || code === 'ENOENT') {
    const gone = await backend.whyGone(identity);
    if (gone !== null || code === 'ESRCH') return new Stop('exited', 'ESRCH', gone ?? `process ${identity.pid} exited`);
  }
  if (error instanceof MigratorError) return new Stop('failed', code, error.message);
  return new Stop('failed', code, describeCallFailure('move_pages', code));
}

/**
 * What the executor needs from the outside world; tests substitute a simulated kernel to
 * drive the paths a one-node machine cannot (busy pages, pinned pages, huge folios).
 */
export interface MoveBackend {
  /**
   * `notMoved` is the call's return value: 0 when every status was written, a positive count
   * when a batch failed and the kernel stopped writing statuses. Left out, it is taken as
   * unknown, and every page of the call is asked about again.
   */
  movePages(pid: number, pages: BigUint64Array, nodes: Int32Array | null, flags: number, status?: Int32Array): Promise<{ status: Int32Array; notMoved?: number }>;
  /** Why the process can no longer be acted on, or null while it is there. */
  whyGone(identity: ProcessIdentity): Promise<string | null>;
  /** Mappings that may hold huge folios. */
  hugeRanges(pid: number): Promise<HugeRange[]>;
}

const kernel: MoveBackend = { movePages, whyGone: async (identity) => whyGoneNow(identity), hugeRanges: readHugeRanges };

function tally(values: Map<number, number>): StatusCount[] {
  return [...values]
    .map(([status, pages]) => {
      const { code, reason } = explainPageStatus(status);
      return { status, code, pages, reason };
    })
    .sort((a, b) => b.pages - a.pages || b.status - a.status);
}

/** Whether any page of the segments may lie in one of the huge ranges. */
function overlaps(ranges: readonly HugeRange[], segments: readonly AddressRange[]): boolean {
  return ranges.some((r) => segments.some((s) => r.start < s.end && s.start < r.end));
}

/** Runs a planned move; exported for tests, which pass a simulated backend. */
export async function execute(job: MoveJob, options: MoveOptions, backend: MoveBackend = kernel): Promise<MoveResult> {
  const { fixedChunk, busyRetries, retryDelayMs } = defaults(options);
  const { identity, pages, targets, flags } = job;
  const pid = identity.pid;
  const total = pages.length;
  const status = new Int32Array(total);
  const signal = options.signal;
  const progress = options.onProgress ?? (() => {});
  // 64-bit page addresses as 32-bit halves, to gather them without a BigInt per page.
  const pageWords = new Uint32Array(pages.buffer, pages.byteOffset, total * 2);
  let stop: Stop | null = null;

  // Read alongside the query rather than after it: the answer is only a hint, and waiting for
  // it in turn would add its latency to every move.
  const hugeRanges = backend.hugeRanges(pid).catch((): HugeRange[] => []);

  // The query: where everything is now, which is also the undo record (see survey.ts). It runs
  // ahead of the moves; nothing is sent before it has been asked about.
  /** Whether a move call has been made: until then a failure or a cancel means it never started. */
  let sent = false;
  let abandoned = false;
  const current = new Int32Array(total);
  let answered = 0;
  const survey = new Survey({
    identity,
    pages,
    targets,
    toNode: job.toNode,
    knownSpans: job.knownSpans ?? [],
    firstPiece: fixedChunk !== null ? fixedChunk * 4 : MIN_CHUNK_PAGES,
    piece: fixedChunk !== null ? fixedChunk * 4 : QUERY_CHUNK_PAGES,
    query: (p, addresses, nodes, flags, out) => backend.movePages(p, addresses, nodes, flags, out),
    halt: () => abandoned || (!sent && signal?.aborted === true),
    onAnswered: (to) => {
      status.set(survey.before.subarray(answered, to), answered);
      current.set(survey.before.subarray(answered, to), answered);
      answered = to;
      if (!sent) progress({ phase: 'query', done: to, total });
    },
  });
  const { before, state, pendingRuns } = survey;

  /** Throws MigratorError when the query failed, or was cancelled, before any page was sent. */
  const notStarted = async (): Promise<void> => {
    const error = survey.error;
    if (error === null) return;
    if (error instanceof SurveyHalted) throw new MigratorError('ABORTED', pid, 'move cancelled before any page was moved');
    const why = await stopFor(error, identity, backend);
    const message = why.outcome === 'exited' ? `${why.detail} before any page was moved` : why.detail;
    throw new MigratorError(why.code, pid, message, { cause: error });
  };

  const sizer = new ChunkSizer(fixedChunk);
  let moved = 0;

  /**
   * Takes in one call's answers for its entries (entry e stands for pages first[e] ..
   * first[e] + count[e] - 1 and went to nodes[e]) and decides what became of every page.
   * Returns the pages covered and whether every one of them is settled on its target from the
   * answers alone.
   */
  const settle = async (first: Uint32Array, count: Uint32Array, nodes: Int32Array, answer: Int32Array, notMoved: number | undefined): Promise<{ covered: number; clean: boolean }> => {
    const entries = first.length;
    // With a return of 0 the kernel wrote every status, and a single page that answers with
    // its target is there. Everything else is asked again, the only complete answer: a call
    // that returned a count (statuses after the failed batch were never written), a presumed
    // folio (did its other pages follow?), and a page that answered with an error (a busy
    // tail of a folio may have moved with its head).
    const complete = notMoved === 0;
    let covered = 0;
    let unsettled = 0;
    for (let e = 0; e < entries; e++) {
      const n = count[e] as number;
      covered += n;
      if (!(complete && n === 1 && answer[e] === nodes[e])) unsettled += n;
    }
    let where: Int32Array = new Int32Array(0);
    if (unsettled > 0) {
      const gather = new BigUint64Array(unsettled);
      const gatherWords = new Uint32Array(gather.buffer);
      let k = 0;
      for (let e = 0; e < entries; e++) {
        const n = count[e] as number;
        if (complete && n === 1 && answer[e] === nodes[e]) continue;
        const page = first[e] as number;
        gatherWords.set(pageWords.subarray(2 * page, 2 * (page + n)), 2 * k);
        k += n;
      }
      try {
        where = (await backend.movePages(pid, gather, null, 0)).status;
      } catch (error) {
        throw await stopFor(error, identity, backend);
      }
    }
    let k = 0;
    for (let e = 0; e < entries; e++) {
      const page = first[e] as number;
      const n = count[e] as number;
      const said = answer[e] as number;
      const settled = complete && n === 1 && said === nodes[e];
      for (let j = 0; j < n; j++) {
        const i = page + j;
        const actual = settled ? said : (where[k++] as number);
        current[i] = actual;
        if (actual === targets[i]) {
          state[i] = PageState.Moved;
          status[i] = actual;
          moved++;
        } else if (actual < 0) {
          // The page went away while we worked (unmapped, swapped out).
          state[i] = PageState.Failed;
          status[i] = actual;
        } else if (said < 0 && said !== NOT_WRITTEN && !RETRYABLE.has(said)) {
          state[i] = PageState.Failed;
          status[i] = said;
        } else if (n > 1 && said >= 0) {
          // The stretch was small pages, not one huge folio: only its first page went.
          state[i] = PageState.Pending;
        } else {
          // Busy, or in a batch the kernel gave up on: another round.
          state[i] = PageState.Retry;
          status[i] = said === -ERRNO.EBUSY ? said : -ERRNO.EAGAIN;
        }
      }
    }
    return { covered, clean: unsettled === 0 };
  };

  /** Checks made before every move call. */
  const beforeCall = async (): Promise<void> => {
    if (signal?.aborted) throw new Stop('cancelled', 'ABORTED', 'cancelled');
    // A pid reused between chunks would have its pages moved by mistake: cheap to rule out.
    const gone = await backend.whyGone(identity);
    if (gone !== null) throw new Stop('exited', 'ESRCH', gone);
  };

  const call = async (addresses: BigUint64Array, nodes: Int32Array, out: Int32Array): Promise<{ notMoved: number | undefined; ms: number }> => {
    out.fill(NOT_WRITTEN);
    sent = true;
    const started = performance.now();
    try {
      const { notMoved } = await backend.movePages(pid, addresses, nodes, flags, out);
      return { notMoved, ms: performance.now() - started };
    } catch (error) {
      throw await stopFor(error, identity, backend);
    }
  };

  /** Let the event loop (and the UI behind it) breathe between chunks. */
  const breathe = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

  /** One pass over the pages in state `want`, through a move list (any targets, folio hints). */
  const pass = async (want: PageState, phase: 'move' | 'retry', hints: Uint32Array | null): Promise<void> => {
    const list = buildMoveList({ pages, current, targets, include: state, want, hints, pageSize: job.pageSize });
    const entries = list.addresses.length;
    // A page that never migrates (pinned) makes the kernel abandon the rest of its call, so
    // a few leftover pages are retried one per call: each gets its own answer. Many leftovers
    // go in small chunks; the pages queued in one batch with a pinned page still migrate.
    const retryChunk = phase === 'retry' ? (entries <= SINGLE_RETRY_LIMIT ? 1 : (fixedChunk ?? MIN_CHUNK_PAGES)) : 0;
    let phaseTotal = 0;
    for (let e = 0; e < entries; e++) phaseTotal += list.count[e] as number;
    let phaseDone = 0;
    const answer = new Int32Array(entries);
    for (let from = 0; from < entries; ) {
      const to = chunkEnd(list, from, retryChunk || sizer.pages);
      await beforeCall();
      const out = answer.subarray(from, to);
      const { notMoved, ms } = await call(list.addresses.subarray(from, to), list.nodes.subarray(from, to), out);
      const { covered, clean } = await settle(list.first.subarray(from, to), list.count.subarray(from, to), list.nodes.subarray(from, to), out, notMoved);
      if (phase === 'move') sizer.record(covered, ms, clean);
      from = to;
      phaseDone += covered;
      progress({ phase, done: phaseDone, total: phaseTotal });
      await breathe();
    }
  };

  /**
   * The move pass for one target node and no huge folios, straight from the runs of pages to
   * move as the query finds them: a call is a slice of `pages` (or a few slices copied
   * together), and a call whose pages all answered with the target and returned 0 is recorded
   * with fills. A call takes the runs found so far; it waits only when there are none. Stops
   * before the next call when `giveUp` says so, leaving the rest Pending.
   */
  const runPass = async (target: number, giveUp: () => boolean): Promise<void> => {
    const scratch = Math.min(total, fixedChunk ?? MAX_CHUNK_PAGES);
    const nodes = new Int32Array(scratch).fill(target);
    const answer = new Int32Array(scratch);
    const gather = new BigUint64Array(scratch);
    let run = 0;
    let at = 0;
    let phaseDone = 0;
    for (;;) {
      if (giveUp()) return;
      if (run >= pendingRuns.length) {
        if (survey.done) break;
        // A cancel while the query looks for more to move: before anything was sent, the
        // query itself stops (see `halt`); after, nothing more is sent.
        if (sent && signal?.aborted) throw new Stop('cancelled', 'ABORTED', 'cancelled');
        await survey.advance();
        continue;
      }
      const limit = Math.min(sizer.pages, scratch);
      // [start, end) pieces of runs making up this call; runs that touch are joined.
      const pieces: number[] = [];
      let n = 0;
      while (n < limit && run < pendingRuns.length) {
        if (at < (pendingRuns[run] as number)) at = pendingRuns[run] as number;
        const end = pendingRuns[run + 1] as number;
        const take = Math.min(end - at, limit - n);
        if (pieces.length > 0 && pieces[pieces.length - 1] === at) pieces[pieces.length - 1] = at + take;
        else pieces.push(at, at + take);
        n += take;
        at += take;
        if (at === end) run += 2;
      }
      let addresses: BigUint64Array;
      if (pieces.length === 2) {
        addresses = pages.subarray(pieces[0], pieces[1]);
      } else {
        for (let p = 0, k = 0; p < pieces.length; p += 2) {
          const [a, b] = [pieces[p] as number, pieces[p + 1] as number];
          gather.set(pages.subarray(a, b), k);
          k += b - a;
        }
        addresses = gather.subarray(0, n);
      }
      await beforeCall();
      const out = answer.subarray(0, n);
      const { notMoved, ms } = await call(addresses, nodes.subarray(0, n), out);
      let clean = notMoved === 0 && bytesOf(out).equals(bytesOf(nodes.subarray(0, n)));
      if (clean) {
        for (let p = 0; p < pieces.length; p += 2) {
          const [a, b] = [pieces[p] as number, pieces[p + 1] as number];
          state.fill(PageState.Moved, a, b);
          status.fill(target, a, b);
          current.fill(target, a, b);
        }
        moved += n;
      } else {
        const first = new Uint32Array(n);
        for (let p = 0, k = 0; p < pieces.length; p += 2) {
          for (let i = pieces[p] as number; i < (pieces[p + 1] as number); i++) first[k++] = i;
        }
        ({ clean } = await settle(first, new Uint32Array(n).fill(1), nodes.subarray(0, n), out, notMoved));
      }
      sizer.record(n, ms, clean);
      phaseDone += n;
      // Until the query ends, the total counts the pages not yet asked about as if they had to move.
      progress({ phase: 'move', done: phaseDone, total: survey.toMove + (survey.done ? 0 : total - survey.known) });
      await breathe();
    }
  };

  // How the pages go: straight from the runs as the query finds them when they all go to one
  // node, until the huge page hints (read from smaps, which takes as long as the first move
  // call or longer) show a huge folio may be among them; the rest then goes from a list of the
  // whole range, one address per presumed folio, as do moves to several nodes (an undo). Pages
  // of a huge folio sent one by one before that are still moved right: the folio goes with its
  // first page, the others answer -EBUSY and are found on the target when asked again.
  let hugeOverlap: boolean | null = null;
  void hugeRanges.then((ranges) => (hugeOverlap = overlaps(ranges, job.segments)));
  try {
    if (job.toNode === null) await Promise.all([hugeRanges, survey.finished]);
    else await survey.reach(1);
    await notStarted();
    if (signal?.aborted) throw new MigratorError('ABORTED', pid, 'move cancelled before any page was moved');
  } catch (error) {
    // Nothing was sent, and the rest of the query is not wanted.
    abandoned = true;
    await survey.finished;
    throw error;
  }

  let hints: Uint32Array | null = null;
  try {
    if (job.toNode !== null) await runPass(job.toNode, () => hugeOverlap === true);
    await survey.finished;
    const ranges = await hugeRanges;
    if (overlaps(ranges, job.segments)) hints = hugeHints(pages, ranges);
    // The query stopped early (the process went away, or a cancel before any call): if pages
    // were sent, the move ends like any other stopped one; if not, it never started.
    if (survey.error !== null) throw await stopFor(survey.error, identity, backend);
    if (state.includes(PageState.Pending)) await pass(PageState.Pending, 'move', hints);
    // Stretches wrongly taken for huge folios, one address per page this time.
    if (state.includes(PageState.Pending)) await pass(PageState.Pending, 'move', null);
    for (let round = 0; round < busyRetries && state.includes(PageState.Retry); round++) {
      // Only real contention deserves a pause; pages left over from a folio guess do not.
      let busy = false;
      for (let i = 0; i < total && !busy; i++) busy = state[i] === PageState.Retry && status[i] === -ERRNO.EBUSY;
      if (busy && retryDelayMs > 0) {
        try {
          await sleep(retryDelayMs * 2 ** round, undefined, signal ? { signal } : {});
        } catch {
          throw new Stop('cancelled', 'ABORTED', 'cancelled');
        }
      }
      await pass(PageState.Retry, 'retry', hints);
    }
  } catch (error) {
    stop = error instanceof Stop ? error : await stopFor(error, identity, backend);
  }
  // The record must be whole, whatever stopped the moves (the query outruns them, and ends
  // by itself when the process has gone).
  await survey.finished;
  if (!sent) await notStarted();
  const { toMove, alreadyOnTarget } = survey;
  let notPresentCount = survey.notPresentCount;
  const notPresent = new Map(survey.notPresent);
  job.unlisted?.pages.forEach((n, k) => {
    if (n === 0) return;
    const value = job.unlisted?.status[k] as number;
    notPresentCount += n;
    notPresent.set(value, (notPresent.get(value) ?? 0) + n);
  });
  // Pages never asked about, because the query failed when the process went away: they count
  // as not attempted, with the query's error as what is known of them.
  let unasked = 0;
  if (survey.known < total) {
    unasked = total - survey.known;
    const errno = -(ERRNO[errorCode(survey.error) as keyof typeof ERRNO] ?? ERRNO.ESRCH);
    before.fill(errno, survey.known);
    status.fill(errno, survey.known);
  }

  // Whatever is still waiting for another round has failed; pending pages were never tried.
  let failed = 0;
  let notAttempted = unasked;
  const failures = new Map<number, number>();
  let undoPages: BigUint64Array;
  let undoNodes: Int32Array;
  if (!stop && !state.includes(PageState.Pending) && !state.includes(PageState.Retry) && !state.includes(PageState.Failed)) {
    // Every page there was to move moved: the undo record is the runs found after the query.
    undoPages = new BigUint64Array(toMove);
    undoNodes = new Int32Array(toMove);
    for (let r = 0, k = 0; r < pendingRuns.length; r += 2) {
      const [a, b] = [pendingRuns[r] as number, pendingRuns[r + 1] as number];
      undoPages.set(pages.subarray(a, b), k);
      undoNodes.set(before.subarray(a, b), k);
      k += b - a;
    }
  } else {
    const undoIndex = new Uint32Array(total);
    let undoCount = 0;
    for (let i = 0; i < total; i++) {
      switch (state[i]) {
        case PageState.Retry:
          if (stop) {
            // Stopped between rounds: the page stays where it is, untried as far as the caller knows.
            notAttempted++;
            status[i] = current[i] as number;
            continue;
          }
          state[i] = PageState.Failed;
          break;
        case PageState.Pending:
          notAttempted++;
          continue;
        case PageState.Moved:
          undoIndex[undoCount++] = i;
          continue;
        default:
          break;
      }
      if (state[i] === PageState.Failed) {
        failed++;
        const s = status[i] as number;
        failures.set(s, (failures.get(s) ?? 0) + 1);
      }
    }
    undoPages = new BigUint64Array(undoCount);
    undoNodes = new Int32Array(undoCount);
    const undoWords = new Uint32Array(undoPages.buffer);
    for (let k = 0; k < undoCount; k++) {
      const i = undoIndex[k] as number;
      undoWords[2 * k] = pageWords[2 * i] as number;
      undoWords[2 * k + 1] = pageWords[2 * i + 1] as number;
      undoNodes[k] = before[i] as number;
    }
  }

  const counts: MoveCounts = {
    requested: job.requested,
    unmapped: job.unmapped,
    notPresent: notPresentCount,
    alreadyOnTarget,
    toMove,
    moved,
    failed,
    notAttempted,
  };
  const outcome: MoveOutcome = stop ? stop.outcome : 'complete';
  return {
    identity,
    toNode: job.toNode,
    flags,
    outcome,
    message: summarize(job, counts, stop),
    error: stop && stop.outcome !== 'cancelled' ? { code: stop.code, message: stop.detail } : null,
    pageSize: job.pageSize,
    segments: job.segments,
    pages,
    before,
    status,
    ...(job.unlisted ? { unlistedStatus: job.unlisted.status } : {}),
    counts,
    failures: tally(failures),
    notPresent: tally(notPresent),
    undo: { identity, flags, pages: undoPages, nodes: undoNodes },
    survey: { askedPages: survey.askedPages, knownPages: survey.knownPages, queryMs: survey.queryMs },
    durationMs: Date.now() - job.started,
  };
}

/**
 * A count with thousands separators, as toLocaleString('en-US') writes it. ICU formatting,
 * even through one cached Intl.NumberFormat, cost some 20 ms a move under emulation (the test
 * guests); counts are non-negative integers, which this handles alike.
 */
const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

function summarize(job: MoveJob, counts: MoveCounts, stop: Stop | null): string {
  const pid = job.identity.pid;
  const where = job.toNode === null ? 'back' : `to node ${job.toNode}`;
  const progress = `${count(counts.moved)} of ${plural(counts.toMove, 'page')} had been moved`;
  if (stop?.outcome === 'exited') return `process ${pid} exited during the move; ${progress}`;
  if (stop?.outcome === 'cancelled') return `move cancelled; ${progress}${counts.moved > 0 ? ' (undo puts them back)' : ''}`;
  if (stop?.outcome === 'failed') return `${stop.detail}; ${progress}`;
  const parts = [`${plural(counts.moved, 'page')} moved ${where}`];
  if (job.toNode !== null) parts.push(`${count(counts.alreadyOnTarget)} already there`);
  if (counts.failed > 0) parts.push(`${count(counts.failed)} failed`);
  if (counts.notPresent > 0) parts.push(`${count(counts.notPresent)} not present`);
  if (counts.unmapped > 0) parts.push(`${count(counts.unmapped)} not mapped`);
  return parts.join(', ');
}

function flagsFor(moveAll: boolean | undefined): number {
  return moveAll ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE;
}

/** Moves the pages of `request.ranges` of a process to `request.toNode`. */
export async function moveRanges(request: MoveRequest, options: MoveOptions = {}): Promise<MoveResult> {
  const started = Date.now();
  const { pid, toNode } = request;
  if (!Number.isInteger(toNode) || toNode < 0) throw new MigratorError('BAD_REQUEST', pid, `bad node ${toNode}`);
  if (request.ranges.length === 0) throw new MigratorError('BAD_REQUEST', pid, 'no address range given');
  for (const r of request.ranges) {
    if (r.start < 0n || r.end <= r.start) throw new MigratorError('BAD_REQUEST', pid, `bad range 0x${r.start.toString(16)}-0x${r.end.toString(16)}: the end must lie after the start`);
  }
  // The reads behind the checks start together (each is a few thread-pool round trips, tens
  // of milliseconds under emulation); their verdicts are taken in the order the checks had when
  // they ran one after another, so the same problem gets the same error. An early failure
  // leaves the other reads to finish unobserved.
  const identityRead = checkIdentity(pid, request.expectedIdentity);
  const nodeFacts = readNodeFacts(pid);
  const mapsRead = (async () => readMaps(pid))();
  const pageSizeRead = readPageSize();
  // Read when it may spare the query most of its work (see known.ts); any failure leaves the
  // query to do all of it. Beside the checks when the ranges are too small to look up presence
  // first; else after, once the present pages are known: the walk covers the whole range, which
  // for a sparse reservation of terabytes costs seconds.
  const numaMapsFor = (pages: number): Promise<NumaMapsEntry[] | null> =>
    options.numaMaps !== false && numaMapsWorthReading(pages, residentPages(pid)) ? readNumaMaps(pid).catch(() => null) : Promise.resolve(null);
  const earlyNumaMaps = pageSizeRead
    .then((pageSize) => {
      const pages = pagesOfRanges(request.ranges, pageSize);
      return presenceWanted(options.presence, pages) ? undefined : numaMapsFor(pages);
    })
    .catch(() => null);
  for (const read of [identityRead, nodeFacts, mapsRead]) read.catch(() => {});
  const identity = await identityRead;
  judgeTargetNodes(identity, await nodeFacts, [toNode]);
  if (request.moveAll) await checkMoveAllAllowed(pid);
  const [pageSize, vmas] = await Promise.all([pageSizeRead, mapsOf(identity, mapsRead)]);
  const clip = clipToVmas(request.ranges, vmas, pageSize);
  if (clip.segments.length === 0) {
    throw new MigratorError('NOTHING_MAPPED', pid, `nothing is mapped in the given range${request.ranges.length > 1 ? 's' : ''} of process ${pid}`);
  }
  const mappedPages = clip.requestedPages - clip.unmappedPages;
  const present = presenceWanted(options.presence, mappedPages) ? await presentPagesOf(identity, clip.segments, pageSize, options.signal) : null;
  const pages = present ? pageAddressesOfRuns(present.runs, present.count, pageSize) : pageAddresses(clip.segments, pageSize);
  const segments = clip.segments.map(({ start, end }) => ({ start, end }));
  const early = await earlyNumaMaps;
  // Only mappings with every page present can be placed from numa_maps: count those.
  const wholePages = present ? clip.segments.reduce((sum, s, k) => (present.listed[k] === countPages([s], pageSize) ? sum + (present.listed[k] as number) : sum), 0) : mappedPages;
  const numaMaps = early !== undefined ? early : await numaMapsFor(wholePages);
  return execute(
    {
      identity,
      flags: flagsFor(request.moveAll),
      toNode,
      pageSize,
      segments,
      pages,
      targets: new Int32Array(pages.length).fill(toNode),
      requested: clip.requestedPages,
      unmapped: clip.unmappedPages,
      started,
      knownSpans: numaMaps ? knownSpans(clip.segments, vmas, numaMaps, pageSize, present?.listed) : [],
      ...(present ? { unlisted: { pages: clip.segments.map((s, k) => countPages([s], pageSize) - (present.listed[k] as number)), status: present.absentStatus } } : {}),
    },
    options,
  );
}

/** The present pages, with a failure to read them (the process went away) as a MigratorError. */
async function presentPagesOf(identity: ProcessIdentity, segments: readonly AddressRange[], pageSize: number, signal: AbortSignal | undefined): Promise<PresentPages | null> {
  let present: PresentPages | null;
  try {
    present = await findPresentPages(identity.pid, segments, pageSize, signal);
  } catch (error) {
    if (error instanceof MigratorError) throw error;
    const code = errorCode(error) ?? 'EIO';
    const gone = whyGoneNow(identity);
    throw new MigratorError(gone !== null ? 'ESRCH' : code, identity.pid, gone ?? describeCallFailure('move_pages', code), { cause: error });
  }
  // Reading the pagemap of a process that has exited gives nothing, which the read source
  // (before Linux 6.7) takes as every page present: list none of them.
  const gone = whyGoneNow(identity);
  if (gone !== null) throw new MigratorError('ESRCH', identity.pid, `${gone} before any page was moved`);
  return present;
}

/** The final status of every page of a result's segments, in address order, run-length encoded. */
export function statusRuns(result: MoveResult): [number, number][] {
  return segmentRuns(result.segments, result.pages, result.status, result.unlistedStatus ?? null, result.pageSize);
}

/** Pages the ranges cover, overlaps counted twice (it only sizes a decision). */
function pagesOfRanges(ranges: readonly AddressRange[], pageSize: number): number {
  let bytes = 0n;
  for (const r of ranges) bytes += r.end - r.start;
  return Number(bytes / BigInt(pageSize));
}

/** Resident pages of the process (statm, answered from counters without locks); Infinity if unknown. */
function residentPages(pid: number): number {
  try {
    return parseStatmResident(readFileSync(`/proc/${pid}/statm`, 'utf8'));
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

async function mapsOf(identity: ProcessIdentity, read: Promise<AddressRange[]>): Promise<AddressRange[]> {
  try {
    return await read;
  } catch (error) {
    const code = errorCode(error) ?? 'EIO';
    const message = code === 'ESRCH' ? `process ${identity.pid} exited` : error instanceof Error ? error.message : String(error);
    throw new MigratorError(code, identity.pid, message, { cause: error });
  }
}

/**
 * Puts every page a move moved back on the node it came from (pages moved since by someone
 * else are moved back too; pages gone since are reported as not present).
 */
export async function undoMove(plan: UndoPlan, options: MoveOptions = {}): Promise<MoveResult> {
  const started = Date.now();
  const pid = plan.identity.pid;
  if (plan.pages.length !== plan.nodes.length) throw new MigratorError('BAD_REQUEST', pid, 'undo plan: pages and nodes differ in length');
  const identity = await checkIdentity(pid, plan.identity);
  await checkTargetNodes(identity, [...new Set(plan.nodes)]);
  if ((plan.flags & MPOL_MF_MOVE_ALL) !== 0) await checkMoveAllAllowed(pid);
  const pageSize = await readPageSize();
  // Sorted by address, as the planner needs; the plan from a MoveResult already is.
  const order = [...plan.pages.keys()].sort((a, b) => {
    const x = plan.pages[a] as bigint;
    const y = plan.pages[b] as bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const pages = BigUint64Array.from(order, (i) => plan.pages[i] as bigint);
  const targets = Int32Array.from(order, (i) => plan.nodes[i] as number);
  return execute(
    {
      identity,
      flags: plan.flags,
      toNode: null,
      pageSize,
      segments: segmentsOfPages(pages, pageSize),
      pages,
      targets,
      requested: pages.length,
      unmapped: 0,
      started,
    },
    options,
  );
}
