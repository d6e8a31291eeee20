/**
 * One whole scan: reads the identity and maps, asks the kernel with synchronous calls (see
 * native/sync.ts for why), writes statuses straight into status stores whose varying blocks
 * are SharedArrayBuffer-backed (the caller then reads them in place), and checks the identity
 * again. It normally runs on the sampler's worker thread (worker.ts); a one-shot command on a
 * small process runs it on its own thread instead (in-thread.ts), where starting a worker
 * would cost more than the scan.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { NativeError, errno, movePages } from '../../../native/index.js';
import { queryPagesSync } from '../../../native/sync.js';
import { formatBytes } from '../../common/format.js';
import { BLOCK_PAGES, StatusStore, type HeldBudget } from '../../common/status-store.js';
import type { ProcessIdentity, Vma } from '../../common/types.js';
import { ProcError, procPath, toProcError } from '../proc/errors.js';
import { parseCmdline, parseStat } from '../proc/identity.js';
import { parseHugetlbMounts, parseMaps } from '../proc/maps.js';
import { ChangeLog } from './changes.js';
import { runEngine, ScanAborted, type EngineRegion, type EngineStats, type PresenceSource, type Strategy } from './engine.js';
import { SamplerLimitError, TargetChangedError } from './errors.js';
import { preparePoll, type OwnCounters } from './incremental.js';
import { PagemapReadSource, PagemapScanSource } from './presence.js';
import { PagemapReadWalk, PagemapScanWalk, type PresenceWalk } from './presence-walk.js';
import type { PollReply, ScanReply, ScanRequest, SerializedError, WorkerReply } from './protocol.js';

/**
 * Kinds whose pages are queried one by one whatever presence says: special mappings (their
 * pages may not be what pagemap reports), hugetlb (huge pages not necessarily PMD-sized),
 * and vsyscall (outside the process's mm).
 */
function queryAll(vma: Vma): boolean {
  return vma.kind === 'vdso' || vma.kind === 'vvar' || vma.kind === 'special' || vma.kind === 'hugetlb' || vma.kind === 'vsyscall';
}

/** Learned once per worker: the kernel does not change under us. */
let scanUnsupported = false;
let hugePagesCache: { pageSize: number; pages: number } | null = null;

function hugePagesFor(pageSize: number): number {
  if (hugePagesCache?.pageSize === pageSize) return hugePagesCache.pages;
  // A page table holds pageSize / 8 entries, so that is what a PMD maps when sysfs is silent.
  let pages = pageSize / 8;
  try {
    const bytes = Number(readFileSync('/sys/kernel/mm/transparent_hugepage/hpage_pmd_size', 'utf8').trim());
    if (Number.isInteger(bytes) && bytes >= pageSize) pages = bytes / pageSize;
  } catch {
    // No THP in this kernel.
  }
  hugePagesCache = { pageSize, pages };
  return pages;
}

function readText(pid: number, file: string): string {
  const path = procPath(pid, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw toProcError(error, pid, path);
  }
}

function readIdentity(pid: number): ProcessIdentity {
  const stat = parseStat(readText(pid, 'stat'));
  return { pid, comm: stat.comm, cmdline: parseCmdline(readText(pid, 'cmdline')), startTime: stat.startTime };
}

function readMaps(pid: number): Vma[] {
  const text = readText(pid, 'maps');
  let hugetlbMounts: string[] = [];
  try {
    hugetlbMounts = parseHugetlbMounts(readText(pid, 'mounts'));
  } catch {
    // Unreadable mounts: hugetlbfs files are then classified as plain files.
  }
  return parseMaps(text, { hugetlbMounts });
}

function assertSameProcess(identity: ProcessIdentity): void {
  let now: ProcessIdentity;
  try {
    now = { ...identity, startTime: parseStat(readText(identity.pid, 'stat')).startTime };
  } catch {
    throw new TargetChangedError(`process ${identity.pid} (${identity.comm}) exited during the scan`);
  }
  if (now.startTime !== identity.startTime) {
    throw new TargetChangedError(`process ${identity.pid} is no longer ${identity.comm}: the pid was reused`);
  }
}

function isUnsupported(error: unknown): boolean {
  return error instanceof NativeError && (error.errno === errno.EINVAL || error.code === 'ENOTTY' || error.code === 'EOPNOTSUPP');
}

interface Opened {
  source: PresenceSource | null;
  strategy: Strategy;
  fd: number | null;
}

function openSource(request: ScanRequest, regions: readonly EngineRegion[]): Opened {
  const { strategy, pid, pageSize } = request;
  if (strategy === 'full') return { source: null, strategy: 'full', fd: null };
  let fd: number;
  try {
    fd = openSync(procPath(pid, 'pagemap'), 'r');
  } catch (error) {
    // Without pagemap (no permission, or a kernel without it) every page is asked about.
    if (strategy === 'auto') return { source: null, strategy: 'full', fd: null };
    throw toProcError(error, pid, procPath(pid, 'pagemap'));
  }
  try {
    if (strategy === 'pagemap-read' || (strategy === 'auto' && scanUnsupported)) {
      return { source: new PagemapReadSource(fd), strategy: 'pagemap-read', fd };
    }
    const scan = new PagemapScanSource(fd, pageSize);
    const first = regions.find((r) => !r.queryAll);
    try {
      if (first) scan.probe(first.firstPage);
    } catch (error) {
      if (strategy !== 'auto' || !isUnsupported(error)) throw error;
      scanUnsupported = true;
      return { source: new PagemapReadSource(fd), strategy: 'pagemap-read', fd };
    }
    return { source: scan, strategy: 'pagemap-scan', fd };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Counts the blocks held page by page over all regions and refuses, in one line, the block
 * that would take them past `maxHeldPages`: what is held is bounded, never the span mapped.
 */
class HeldLimit implements HeldBudget {
  private held = 0;
  private readonly maxBlocks: number;

  constructor(
    private readonly maxHeldPages: number,
    private readonly pid: number,
    private readonly comm: string,
    private readonly vmas: readonly Vma[],
  ) {
    this.maxBlocks = Math.floor(maxHeldPages / BLOCK_PAGES);
  }

  change(blocks: number): void {
    this.held += blocks;
    if (this.held > this.maxBlocks) throw new SamplerLimitError(this.message());
  }

  private message(): string {
    let mapped = 0n;
    for (const vma of this.vmas) mapped += vma.end - vma.start;
    return (
      `process ${this.pid} (${this.comm}) has pages whose statuses differ in more than ${this.maxBlocks} blocks of ${BLOCK_PAGES} pages; ` +
      `numascope holds at most ${this.maxHeldPages} pages one by one (${formatBytes(this.maxHeldPages * 2)} of statuses) ` +
      `and keeps one status for each block whose pages agree (the process maps ${formatBytes(Number(mapped))} in ${this.vmas.length} regions)`
    );
  }
}

function presenceWalk(opened: Opened, pageSize: number): PresenceWalk | null {
  if (opened.fd === null) return null;
  return opened.strategy === 'pagemap-scan' ? new PagemapScanWalk(opened.fd, pageSize) : new PagemapReadWalk(opened.fd);
}

/** The target's own change counters: faults taken and pages resident. */
function readOwnCounters(pid: number): OwnCounters {
  const stat = parseStat(readText(pid, 'stat'));
  return { faults: stat.minorFaults + stat.majorFaults, resident: stat.rssPages };
}

export async function runScanJob(request: ScanRequest, post: (reply: WorkerReply) => void): Promise<void> {
  const { id, pid, pageSize, control, previous } = request;
  if (previous) assertSameProcess(previous.identity);
  // Read before maps and presence: a fault after this is seen by the next poll.
  const counters = request.poll ? readOwnCounters(pid) : { faults: 0, resident: 0 };
  const identity = previous ? previous.identity : readIdentity(pid);
  const vmas = readMaps(pid).filter((vma) => !request.skipKinds.includes(vma.kind));
  const budget = new HeldLimit(request.maxHeldPages, pid, identity.comm, vmas);
  const byBounds = new Map<string, number>();
  previous?.regions.forEach((region, index) => byBounds.set(`${region.start}-${region.end}`, index));
  const kept: number[] = [];
  const regions: EngineRegion[] = vmas.map((vma) => {
    const index = byBounds.get(`${vma.start}-${vma.end}`) ?? -1;
    const old = index >= 0 ? previous?.regions[index] : undefined;
    const firstPage = Number(vma.start) / pageSize;
    const options = { shared: true, budget };
    if (old) budget.change(old.status.blocks.size);
    const status = old
      ? StatusStore.fromData(old.status, options)
      : new StatusStore(Number((vma.end - vma.start) / BigInt(pageSize)), { ...options, phase: firstPage % BLOCK_PAGES });
    kept.push(old ? index : -1);
    // New regions start from zeroes, so their first answers are not changes.
    return { firstPage, pages: status.length, queryAll: queryAll(vma), tracked: old !== undefined, status };
  });
  const changes = previous ? new ChangeLog(previous.changeCapacity) : null;
  const opened = openSource(request, regions);
  let poll: PollReply | null = null;
  // Each message wakes the main thread, which in a VM costs the sender tens of microseconds:
  // one per window made a 4 GiB huge-page scan twice as long.
  let postedAt = -Infinity;
  let stats: EngineStats;
  try {
    if (request.poll) poll = preparePoll({ request: request.poll, rescan: previous !== null, regions, kept, walk: presenceWalk(opened, pageSize), counters });
    stats = await runEngine(
      regions,
      {
        query: (pages, count, status) => queryPagesSync(pid, count, pages, status),
        queryAsync: async (pages, count, status) => {
          await movePages(pid, count === pages.length ? pages : pages.subarray(0, count), null, 0, status);
        },
      },
      opened.source,
      changes,
      { pageSize, chunkPages: request.chunkPages, windowPages: request.windowPages, hugePages: hugePagesFor(pageSize), adaptive: request.adaptive, pipeline: request.pipeline },
      {
        aborted: () => Atomics.load(control, 0) !== 0,
        progress: (done, total) => {
          if (done === total) return; // the main thread reports the end itself
          const now = performance.now();
          if (now - postedAt < request.progressIntervalMs) return;
          postedAt = now;
          post({ type: 'progress', id, done, total });
        },
      },
    );
  } catch (error) {
    // A process that exits mid-scan fails the calls with ESRCH: say what happened instead.
    if (!(error instanceof ScanAborted)) assertSameProcess(identity);
    throw error;
  } finally {
    if (opened.fd !== null) closeSync(opened.fd);
  }
  assertSameProcess(identity);
  const statuses = regions.map((region) => region.status.toData());
  const reply: ScanReply = { type: 'done', id, identity, vmas, kept, statuses, stats: { ...stats, strategy: opened.strategy }, changes: changes?.toData() ?? null, poll };
  post(reply);
}

/** The error as plain data, to cross to the main thread. */
export function serializeScanError(error: unknown): SerializedError {
  if (error instanceof NativeError) return { name: error.name, message: error.message, syscall: error.syscall, errno: error.errno };
  if (error instanceof ProcError) return { name: error.name, message: error.message, code: error.code, pid: error.pid };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

