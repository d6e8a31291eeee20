/**
 * Moving the pages of address ranges of a process to a node with move_pages(2), and undoing it.
 *
 * The order of work: check the process and the target node; clip the ranges to the mappings;
 * ask where every page is (query mode, which is also the undo record); send the present pages
 * that are not on the target, one address per presumed huge folio, sorted by target node, in
 * chunks of about 1024 pages; after each chunk ask again where its pages are, because the
 * kernel's per-page answers are incomplete when part of a batch fails (it stops and writes no
 * status for the rest); retry busy pages a few times; count and explain.
 *
 * Throws MigratorError when the move cannot start: no such process, another process under the
 * pid, a bad node, MOVE_ALL not permitted, nothing mapped, or the query failing (the process
 * exited, or the signal fired, before any page was sent). From the first page sent on, it
 * always resolves with a MoveResult whose outcome says whether it completed, was cancelled,
 * ended because the process exited, or failed as a whole; the result holds what did move and
 * how to undo it.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, movePages } from '../../../native/index.js';
import { ERRNO, explainPageStatus } from '../../common/status-reasons.js';
import type { ProcessIdentity } from '../../common/types.js';
import { readMaps } from '../proc/maps.js';
import { readSmaps } from '../proc/smaps.js';
import { readPageSize } from '../system/pageSize.js';
import { MigratorError, errorCode } from './errors.js';
import {
  buildMoveList,
  chunkMoveList,
  chunkRange,
  clipToVmas,
  hugeHints,
  pageAddresses,
  segmentsOfPages,
  type AddressRange,
  type HugeRange,
} from './plan.js';
import { checkIdentity, checkMoveAllAllowed, checkTargetNodes, describeCallFailure, whyGone } from './preflight.js';

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
  /** Pages per move_pages call (default 1024): the target's mmap writers wait for each call. */
  chunkPages?: number;
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

export interface MoveCounts {
  /** Pages in the requested ranges (page-aligned, overlaps merged). */
  requested: number;
  /** Of those, outside every mapping. */
  unmapped: number;
  /** Mapped but with no page to move (status < 0 when asked before the move). */
  notPresent: number;
  alreadyOnTarget: number;
  /** Present pages not on the target before the move. */
  toMove: number;
  moved: number;
  failed: number;
  /** Left alone because the move was cancelled or stopped first. */
  notAttempted: number;
}

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
  /** The page-aligned pieces of the request inside mappings; the per-page arrays cover these. */
  segments: AddressRange[];
  /** Every page of the segments, ascending. */
  pages: BigUint64Array;
  /** Per page, before the move: a node, or a negative errno (not present). */
  before: Int32Array;
  /**
   * Per page, after: the node it is on (moved, already there, or not attempted), or the
   * negative errno explaining why it is not on the target (failed or not present).
   */
  status: Int32Array;
  counts: MoveCounts;
  /** Failed pages by errno, most pages first. */
  failures: StatusCount[];
  /** Pages that were not there to move, by errno. */
  notPresent: StatusCount[];
  undo: UndoPlan;
  durationMs: number;
}

// Written into status buffers before each call: where it survives, the kernel did not answer
// for the page (it stops at the first batch that fails to migrate completely).
const NOT_WRITTEN = -0x7fffffff;
const RETRYABLE = new Set<number>([-ERRNO.EBUSY, -ERRNO.EAGAIN]);
const SINGLE_RETRY_LIMIT = 64;

const enum PageState {
  /** Not present, or already on its target: nothing to do. */
  Idle = 0,
  Pending = 1,
  Moved = 2,
  Failed = 3,
  Retry = 4,
}

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
}

/** Why the work stopped before the end. */
class Stop {
  constructor(
    readonly outcome: 'cancelled' | 'exited' | 'failed',
    readonly code: string,
    readonly detail: string,
  ) {}
}

function defaults(options: MoveOptions): Required<Pick<MoveOptions, 'chunkPages' | 'busyRetries' | 'retryDelayMs'>> {
  return {
    chunkPages: Math.max(1, Math.floor(options.chunkPages ?? 1024)),
    busyRetries: Math.max(0, Math.floor(options.busyRetries ?? 3)),
    retryDelayMs: Math.max(0, options.retryDelayMs ?? 20),
  };
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
  movePages(pid: number, pages: BigUint64Array, nodes: Int32Array | null, flags: number, status?: Int32Array): Promise<{ status: Int32Array }>;
  /** Why the process can no longer be acted on, or null while it is there. */
  whyGone(identity: ProcessIdentity): Promise<string | null>;
  /** Mappings that may hold huge folios. */
  hugeRanges(pid: number): Promise<HugeRange[]>;
}

const kernel: MoveBackend = { movePages, whyGone, hugeRanges: readHugeRanges };

function tally(values: Map<number, number>): StatusCount[] {
  return [...values]
    .map(([status, pages]) => {
      const { code, reason } = explainPageStatus(status);
      return { status, code, pages, reason };
    })
    .sort((a, b) => b.pages - a.pages || b.status - a.status);
}

/** Runs a planned move; exported for tests, which pass a simulated backend. */
export async function execute(job: MoveJob, options: MoveOptions, backend: MoveBackend = kernel): Promise<MoveResult> {
  const { chunkPages, busyRetries, retryDelayMs } = defaults(options);
  const { identity, pages, targets, flags } = job;
  const pid = identity.pid;
  const total = pages.length;
  const before = new Int32Array(total);
  const status = new Int32Array(total);
  const state = new Uint8Array(total);
  const signal = options.signal;
  const progress = options.onProgress ?? (() => {});
  let stop: Stop | null = null;
  let toMove = 0;

  // Query: where everything is now. This is also the undo record. Nothing has moved yet, so a
  // failure here means the move could not start.
  let done = 0;
  for (const [from, to] of chunkRange(total, chunkPages * 4)) {
    if (signal?.aborted) throw new MigratorError('ABORTED', pid, 'move cancelled before any page was moved');
    try {
      await backend.movePages(pid, pages.subarray(from, to), null, 0, before.subarray(from, to));
    } catch (error) {
      const why = await stopFor(error, identity, backend);
      const message = why.outcome === 'exited' ? `${why.detail} before any page was moved` : why.detail;
      throw new MigratorError(why.code, pid, message, { cause: error });
    }
    done = to;
    progress({ phase: 'query', done, total });
  }
  status.set(before);
  for (let i = 0; i < total; i++) {
    const node = before[i] as number;
    if (node >= 0 && node !== targets[i]) {
      state[i] = PageState.Pending;
      toMove++;
    }
  }

  const current = before.slice();
  let moved = 0;

  /** One pass over the pages in state `want`. */
  const pass = async (want: PageState, phase: 'move' | 'retry', hints: Uint32Array | null): Promise<void> => {
    const include = new Uint8Array(total);
    for (let i = 0; i < total; i++) include[i] = state[i] === want ? 1 : 0;
    const list = buildMoveList({ pages, current, targets, include, hints, pageSize: job.pageSize });
    // A page that never migrates (pinned) makes the kernel abandon the rest of its call, so
    // a few leftover pages are retried one per call: each gets its own answer. Many leftovers
    // go in chunks as usual; the pages queued in one batch with a pinned page still migrate.
    const chunks = chunkMoveList(list, phase === 'retry' && list.addresses.length <= SINGLE_RETRY_LIMIT ? 1 : chunkPages);
    const phaseTotal = list.count.reduce((sum, n) => sum + n, 0);
    let phaseDone = 0;
    const answer = new Int32Array(list.addresses.length);
    for (const [from, to] of chunks) {
      if (signal?.aborted) throw new Stop('cancelled', 'ABORTED', 'cancelled');
      // A pid reused between chunks would have its pages moved by mistake: cheap to rule out.
      const gone = await backend.whyGone(identity);
      if (gone !== null) throw new Stop('exited', 'ESRCH', gone);
      const out = answer.subarray(from, to);
      out.fill(NOT_WRITTEN);
      try {
        await backend.movePages(pid, list.addresses.subarray(from, to), list.nodes.subarray(from, to), flags, out);
      } catch (error) {
        throw await stopFor(error, identity, backend);
      }
      // Ask again where every page of the chunk is: the only complete answer.
      let covered = 0;
      for (let e = from; e < to; e++) covered += list.count[e] as number;
      const gather = new BigUint64Array(covered);
      let k = 0;
      for (let e = from; e < to; e++) {
        const first = list.first[e] as number;
        gather.set(pages.subarray(first, first + (list.count[e] as number)), k);
        k += list.count[e] as number;
      }
      let where: Int32Array;
      try {
        where = (await backend.movePages(pid, gather, null, 0)).status;
      } catch (error) {
        throw await stopFor(error, identity, backend);
      }
      k = 0;
      for (let e = from; e < to; e++) {
        const first = list.first[e] as number;
        const n = list.count[e] as number;
        const said = answer[e] as number;
        for (let j = 0; j < n; j++, k++) {
          const i = first + j;
          const actual = where[k] as number;
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
      phaseDone += covered;
      progress({ phase, done: phaseDone, total: phaseTotal });
      // Let the event loop (and the UI behind it) breathe between chunks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  if (toMove > 0) {
    try {
      const hints = hugeHints(pages, await backend.hugeRanges(pid));
      const gone = await backend.whyGone(identity);
      if (gone !== null) throw new Stop('exited', 'ESRCH', gone);
      await pass(PageState.Pending, 'move', hints);
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
  }

  // Whatever is still waiting for another round has failed; pending pages were never tried.
  let failed = 0;
  let notAttempted = 0;
  let alreadyOnTarget = 0;
  let notPresentCount = 0;
  const failures = new Map<number, number>();
  const notPresent = new Map<number, number>();
  const undoIndex: number[] = [];
  for (let i = 0; i < total; i++) {
    const b = before[i] as number;
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
        undoIndex.push(i);
        continue;
      case PageState.Idle:
        if (b < 0) {
          notPresentCount++;
          notPresent.set(b, (notPresent.get(b) ?? 0) + 1);
        } else if (b === targets[i]) alreadyOnTarget++;
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

  const undoPages = new BigUint64Array(undoIndex.length);
  const undoNodes = new Int32Array(undoIndex.length);
  undoIndex.forEach((i, k) => {
    undoPages[k] = pages[i] as bigint;
    undoNodes[k] = before[i] as number;
  });

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
    counts,
    failures: tally(failures),
    notPresent: tally(notPresent),
    undo: { identity, flags, pages: undoPages, nodes: undoNodes },
    durationMs: Date.now() - job.started,
  };
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function summarize(job: MoveJob, counts: MoveCounts, stop: Stop | null): string {
  const pid = job.identity.pid;
  const where = job.toNode === null ? 'back' : `to node ${job.toNode}`;
  const progress = `${counts.moved.toLocaleString('en-US')} of ${plural(counts.toMove, 'page')} had been moved`;
  if (stop?.outcome === 'exited') return `process ${pid} exited during the move; ${progress}`;
  if (stop?.outcome === 'cancelled') return `move cancelled; ${progress}${counts.moved > 0 ? ' (undo puts them back)' : ''}`;
  if (stop?.outcome === 'failed') return `${stop.detail}; ${progress}`;
  const parts = [`${plural(counts.moved, 'page')} moved ${where}`];
  if (job.toNode !== null) parts.push(`${counts.alreadyOnTarget.toLocaleString('en-US')} already there`);
  if (counts.failed > 0) parts.push(`${counts.failed.toLocaleString('en-US')} failed`);
  if (counts.notPresent > 0) parts.push(`${counts.notPresent.toLocaleString('en-US')} not present`);
  if (counts.unmapped > 0) parts.push(`${counts.unmapped.toLocaleString('en-US')} not mapped`);
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
  const identity = await checkIdentity(pid, request.expectedIdentity);
  await checkTargetNodes(identity, [toNode]);
  if (request.moveAll) await checkMoveAllAllowed(pid);
  const [pageSize, vmas] = await Promise.all([readPageSize(), readMapsOf(identity)]);
  const clip = clipToVmas(request.ranges, vmas, pageSize);
  const pages = pageAddresses(clip.segments, pageSize);
  if (pages.length === 0) {
    throw new MigratorError('NOTHING_MAPPED', pid, `nothing is mapped in the given range${request.ranges.length > 1 ? 's' : ''} of process ${pid}`);
  }
  const segments = clip.segments.map(({ start, end }) => ({ start, end }));
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
    },
    options,
  );
}

async function readMapsOf(identity: ProcessIdentity): Promise<AddressRange[]> {
  try {
    return await readMaps(identity.pid);
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
