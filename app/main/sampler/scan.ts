/**
 * The sampler: where every mapped page of a process sits, as one status store per region
 * (app/common/status-store.ts: one value per block of pages that agree, 2 bytes a page in
 * blocks whose pages differ).
 *
 * The whole scan (identity, maps, queries, the identity check after) runs on a worker
 * thread (worker.ts, engine.ts) that writes into SharedArrayBuffer-backed blocks, so this
 * thread does no per-page work and stays responsive however large the target; it only
 * sends the request, relays progress and cancellation, and wraps the answer. Pages are asked
 * of the kernel with move_pages in query mode, in chunks (so a scan reports progress, can be
 * cancelled, and never holds the target's mmap lock for long), and only where needed: absent
 * pages (PAGEMAP_SCAN, or /proc/PID/pagemap on older kernels) get their region's answer
 * without a query each, and a PMD-mapped huge page is asked about once (engine.ts explains
 * why the answers stay those of a query of every page).
 */
import { MAX_HELD_PAGES, StatusStore, type StatusStoreData } from '../../common/status-store.js';
import type { Placement, RegionPlacement, Vma } from '../../common/types.js';
import { ChangeLog } from './changes.js';
import type { Strategy } from './engine.js';
import { residentPages, runInThread, SMALL_TARGET_PAGES } from './in-thread.js';
import { runOnWorker, type WorkerJob } from './pool.js';
import type { PollReply, PollRequest, PreviousRegion, PreviousScan, ScanReply, StrategyChoice } from './protocol.js';

export type { Strategy } from './engine.js';
export { TargetChangedError } from './errors.js';
export type ScanStrategy = StrategyChoice;

export interface ScanOptions {
  /**
   * Addresses per move_pages call (default 16384: 1-2 ms of kernel work here, far under the
   * ~20 ms a call the design allows; the kernel retakes the mmap lock every 16 pages anyway).
   */
  chunkPages?: number;
  /** false asks about every page (the same as strategy 'full'); default true. */
  skipNotPresent?: boolean;
  /**
   * How absent and huge pages are found: 'pagemap-scan' (the PAGEMAP_SCAN ioctl, Linux >= 6.7),
   * 'pagemap-read' (reading /proc/PID/pagemap), 'full' (query every page), or 'auto' (the
   * first available of these, in that order; the default).
   */
  strategy?: ScanStrategy;
  /** Query windows that look dense directly, without asking for presence first (default true). */
  adaptive?: boolean;
  /**
   * Let large move_pages calls run on koffi's threads, up to two at once, while the worker
   * looks up the next window or builds the next chunk (default true). Off, every call is
   * made in place on the worker thread.
   */
  pipeline?: boolean;
  /**
   * The most pages held one by one over all regions (default MAX_HELD_PAGES): pages in blocks
   * whose statuses differ. Past it the scan fails with one SamplerLimitError line.
   */
  maxHeldPages?: number;
  /** Pages per presence lookup and per dense-or-not decision (default 65536). */
  windowPages?: number;
  signal?: AbortSignal;
  onProgress?: (donePages: number, totalPages: number) => void;
  /**
   * Least time between two progress reports during a scan (default 20 ms; 0 reports every
   * window). The end is always reported.
   */
  progressIntervalMs?: number;
  /** The page size of the target (default: the sampler's own, which is the same on Linux). */
  pageSize?: number;
  /** Region kinds not worth asking about (the vsyscall page lies outside the process's mm). */
  skipKinds?: readonly Vma['kind'][];
  /** For the Poller: track presence and change signals, and rescan only what may have changed (incremental.ts). */
  poll?: PollRequest;
  /**
   * Where the scan runs: 'worker' (the default: this thread stays responsive), or 'auto' for
   * one-shot commands: this thread when the target is small (in-thread.ts), else the worker.
   */
  thread?: 'worker' | 'auto';
}

export interface ScanStats {
  totalPages: number;
  /** Pages walked: all of them, or fewer when an incremental poll left some out. */
  visitedPages?: number;
  queriedPages: number;
  skippedPages: number;
  calls: number;
  durationMs: number;
  /** The strategy the scan used ('auto' resolved). */
  strategy?: Strategy;
  /** Pages answered by one query of their huge page. */
  hugePages?: number;
  /** Windows queried directly because they looked dense, and windows looked up first. */
  directWindows?: number;
  scannedWindows?: number;
  /** Where the scan ran: the sampler's worker thread, or the caller's (ScanOptions.thread). */
  thread?: 'worker' | 'caller';
}

export interface ScanResult {
  placement: Placement;
  stats: ScanStats;
  /** What an incremental poll did (with the `poll` option), else null. */
  poll: PollReply | null;
}

export interface RescanResult extends ScanResult {
  changes: ChangeLog;
  /** Regions that appeared (or changed bounds) since the previous scan. */
  regionsAdded: Vma[];
  regionsRemoved: Vma[];
}

const DEFAULT_SKIP: readonly Vma['kind'][] = ['vsyscall'];
const PAGE_SIZE = 4096;
const DEFAULT_CHUNK = 16384;
const DEFAULT_WINDOW = 65536;
const DEFAULT_CHANGE_CAPACITY = 65536;
const DEFAULT_PROGRESS_MS = 20;

function strategyOf(options: ScanOptions): StrategyChoice {
  if (options.strategy !== undefined) return options.strategy;
  return options.skipNotPresent === false ? 'full' : 'auto';
}

async function runScan(pid: number, pageSize: number, options: ScanOptions, previous: PreviousScan | null): Promise<ScanReply & { thread: 'worker' | 'caller' }> {
  const job: WorkerJob = {
    request: {
      pid,
      pageSize,
      strategy: strategyOf(options),
      chunkPages: Math.max(1, Math.floor(options.chunkPages ?? DEFAULT_CHUNK)),
      windowPages: Math.max(1, Math.floor(options.windowPages ?? DEFAULT_WINDOW)),
      adaptive: options.adaptive ?? true,
      pipeline: options.pipeline ?? true,
      maxHeldPages: options.maxHeldPages ?? MAX_HELD_PAGES,
      progressIntervalMs: options.progressIntervalMs ?? DEFAULT_PROGRESS_MS,
      skipKinds: options.skipKinds ?? DEFAULT_SKIP,
      previous,
      poll: options.poll ?? null,
    },
    signal: options.signal,
    onProgress: options.onProgress,
  };
  if (options.thread === 'auto') {
    const resident = residentPages(pid);
    if (resident !== null && resident <= SMALL_TARGET_PAGES) return { ...(await runInThread(job)), thread: 'caller' };
  }
  return { ...(await runOnWorker(job)), thread: 'worker' };
}

function statsOf(reply: ScanReply & { thread: 'worker' | 'caller' }, started: number): ScanStats {
  const { stats } = reply;
  return {
    totalPages: stats.totalPages,
    visitedPages: stats.visitedPages,
    queriedPages: stats.queriedPages,
    skippedPages: stats.skippedPages,
    calls: stats.calls,
    durationMs: performance.now() - started,
    strategy: stats.strategy,
    hugePages: stats.hugePages,
    directWindows: stats.directWindows,
    scannedWindows: stats.scannedWindows,
    thread: reply.thread,
  };
}

/** Reads the identity and maps, then the placement of every page. */
export async function scanProcess(pid: number, options: ScanOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const reply = await runScan(pid, pageSize, options, null);
  const regions: RegionPlacement[] = reply.vmas.map((vma, i) => ({ vma, status: StatusStore.fromData(reply.statuses[i] as StatusStoreData) }));
  options.onProgress?.(reply.stats.totalPages, reply.stats.totalPages);
  return { placement: { identity: reply.identity, pageSize, takenAt: Date.now(), regions }, stats: statsOf(reply, started), poll: reply.poll };
}

/**
 * Scans again, updating `previous` in place (regions whose bounds did not change keep
 * their stores, which take over the worker's answer) and recording every page whose status changed.
 */
export async function rescanProcess(previous: Placement, options: ScanOptions & { changeCapacity?: number } = {}): Promise<RescanResult> {
  const started = performance.now();
  // Shared blocks are written in place; blocks that are not (a placement built elsewhere)
  // reach the worker as copies and come back in its answer.
  const shared: PreviousRegion[] = previous.regions.map((r) => ({ start: r.vma.start, end: r.vma.end, status: r.status.toData() }));
  const capacity = options.changeCapacity ?? DEFAULT_CHANGE_CAPACITY;
  const reply = await runScan(previous.identity.pid, previous.pageSize, options, { identity: previous.identity, regions: shared, changeCapacity: capacity });
  const keptRegions = new Set<number>();
  const regionsAdded: Vma[] = [];
  const regions: RegionPlacement[] = reply.vmas.map((vma, i) => {
    const index = reply.kept[i] ?? -1;
    const old = previous.regions[index];
    const data = reply.statuses[i] as StatusStoreData;
    if (index < 0 || !old) {
      regionsAdded.push(vma);
      return { vma, status: StatusStore.fromData(data) };
    }
    keptRegions.add(index);
    old.status.adopt(data);
    return { vma, status: old.status };
  });
  const regionsRemoved = previous.regions.filter((_, i) => !keptRegions.has(i)).map((r) => r.vma);
  options.onProgress?.(reply.stats.totalPages, reply.stats.totalPages);
  const placement: Placement = { identity: previous.identity, pageSize: previous.pageSize, takenAt: Date.now(), regions };
  const changes = reply.changes ? ChangeLog.fromData(reply.changes) : new ChangeLog(capacity);
  return { placement, stats: statsOf(reply, started), changes, regionsAdded, regionsRemoved, poll: reply.poll };
}
