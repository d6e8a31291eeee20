/**
 * The sampler: where every mapped page of a process sits, as one Int16Array per region.
 *
 * Resident pages are asked of the kernel with move_pages in query mode, in chunks (so a
 * scan reports progress, can be cancelled, and never holds the target's mmap lock for
 * long). Pages that /proc/PID/pagemap says are neither resident nor swapped are not asked
 * about one by one: within one class of region the kernel gives every such page the same
 * answer (-ENOENT, or -EFAULT for untouched anonymous memory before Linux 6.12), which is
 * learned with a single query per class and copied.
 */
import { movePages } from '../../../native/index.js';
import type { Placement, ProcessIdentity, RegionPlacement, StatusArray, Vma } from '../../common/types.js';
import { readIdentity, sameProcess } from '../proc/identity.js';
import { readMaps } from '../proc/maps.js';
import { QueryBatcher } from './batcher.js';
import { ChangeLog } from './changes.js';
import { PagemapReader } from './pagemap.js';

export interface ScanOptions {
  /** Addresses per move_pages call; the kernel itself walks them 16 at a time. */
  chunkPages?: number;
  /** move_pages calls kept running at once. */
  inFlight?: number;
  /** Use /proc/PID/pagemap to skip pages that are not there (default true). */
  skipNotPresent?: boolean;
  /** Pages per pagemap read. */
  windowPages?: number;
  signal?: AbortSignal;
  onProgress?: (donePages: number, totalPages: number) => void;
  /** The page size of the target (default: the sampler's own, which is the same on Linux). */
  pageSize?: number;
  /** Region kinds not worth asking about (the vsyscall page lies outside the process's mm). */
  skipKinds?: readonly Vma['kind'][];
}

export interface ScanStats {
  totalPages: number;
  queriedPages: number;
  skippedPages: number;
  calls: number;
  durationMs: number;
}

export interface ScanResult {
  placement: Placement;
  stats: ScanStats;
}

export interface RescanResult extends ScanResult {
  changes: ChangeLog;
  /** Regions that appeared (or changed bounds) since the previous scan. */
  regionsAdded: Vma[];
  regionsRemoved: Vma[];
}

export class TargetChangedError extends Error {
  override name = 'TargetChangedError';
  readonly code = 'ESRCH';
}

const DEFAULT_SKIP: readonly Vma['kind'][] = ['vsyscall'];
const PAGE_SIZE = 4096;

/** Kinds whose pages are queried one by one whatever pagemap says (special mappings). */
function alwaysQuery(vma: Vma): boolean {
  return vma.kind === 'vdso' || vma.kind === 'vvar' || vma.kind === 'special' || vma.kind === 'hugetlb';
}

/** Regions in which the kernel answers alike for absent pages (see module comment). */
function absenceClass(vma: Vma): string {
  const anonymous = vma.kind === 'anon' || vma.kind === 'named-anon' || vma.kind === 'heap' || vma.kind === 'stack' || vma.kind === 'thread-stack';
  return `${anonymous ? 'anon' : 'file'}:${vma.perms[3] ?? '?'}:${vma.perms[0] ?? '?'}`;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('scan cancelled');
}

interface Job {
  pid: number;
  vmas: Vma[];
  destinations: StatusArray[];
  changes: ChangeLog | null;
  /** Per region: compare with the previous answer and record changes. */
  tracked: boolean[];
  options: ScanOptions;
  pageSize: number;
}

async function runScan(job: Job): Promise<ScanStats> {
  const started = performance.now();
  const { pid, vmas, destinations, options, pageSize } = job;
  const chunkPages = options.chunkPages ?? 1024;
  const inFlight = options.inFlight ?? 2;
  const windowPages = options.windowPages ?? 65536;
  const skipNotPresent = options.skipNotPresent ?? true;
  const totalPages = destinations.reduce((sum, d) => sum + d.length, 0);
  const starts = vmas.map((v) => Number(v.start));
  const batcher = new QueryBatcher(pid, chunkPages, inFlight, destinations, job.changes, job.tracked, starts, pageSize);
  const absentStatus = new Map<string, number>();
  let pagemap: PagemapReader | null = null;
  if (skipNotPresent) {
    try {
      pagemap = await PagemapReader.open(pid);
    } catch {
      pagemap = null; // no pagemap (e.g. a kernel without it): ask about every page
    }
  }
  const present = new Uint8Array(windowPages);
  const scratch = Buffer.allocUnsafe(windowPages * 8);
  let done = 0;
  let skipped = 0;
  try {
    for (let r = 0; r < vmas.length; r++) {
      const vma = vmas[r] as Vma;
      const dest = destinations[r] as StatusArray;
      const base = starts[r] as number;
      const usePagemap = pagemap !== null && !alwaysQuery(vma);
      const changes = job.tracked[r] ? job.changes : null;
      for (let first = 0; first < dest.length; first += windowPages) {
        checkAborted(options.signal);
        const count = Math.min(windowPages, dest.length - first);
        if (usePagemap && pagemap) {
          await pagemap.readPresent(base / pageSize + first, count, present, scratch);
        } else {
          present.fill(1, 0, count);
        }
        for (let i = 0; i < count; i++) {
          const index = first + i;
          if (present[i] === 1) {
            if (batcher.push(r, index, base + index * pageSize)) await batcher.dispatch();
            continue;
          }
          const key = absenceClass(vma);
          let status = absentStatus.get(key);
          if (status === undefined) {
            // Learn how the kernel reports an absent page in this class of region.
            const probe = await movePages(pid, [BigInt(base + index * pageSize)], null, 0);
            const answer = probe.status[0] as number;
            batcher.calls++;
            batcher.queried++;
            if (answer >= 0) {
              // It became resident since pagemap was read: record the real answer only.
              if (changes && dest[index] !== answer) changes.record(base + index * pageSize, dest[index] as number, answer);
              dest[index] = answer;
              continue;
            }
            status = answer;
            absentStatus.set(key, status);
          }
          if (changes && dest[index] !== status) changes.record(base + index * pageSize, dest[index] as number, status);
          dest[index] = status;
          skipped++;
        }
        done += count;
        options.onProgress?.(done, totalPages);
      }
    }
    await batcher.flush();
  } finally {
    await pagemap?.close();
  }
  options.onProgress?.(totalPages, totalPages);
  return { totalPages, queriedPages: batcher.queried, skippedPages: skipped, calls: batcher.calls, durationMs: performance.now() - started };
}

function pagesOf(vma: Vma, pageSize: number): number {
  return Number((vma.end - vma.start) / BigInt(pageSize));
}

async function mapsOf(pid: number, options: ScanOptions): Promise<Vma[]> {
  const skip = options.skipKinds ?? DEFAULT_SKIP;
  return (await readMaps(pid)).filter((vma) => !skip.includes(vma.kind));
}

/** Reads the identity and maps, then the placement of every page. */
export async function scanProcess(pid: number, options: ScanOptions = {}): Promise<ScanResult> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const identity = await readIdentity(pid);
  const vmas = await mapsOf(pid, options);
  const destinations = vmas.map((vma) => new Int16Array(pagesOf(vma, pageSize)));
  const stats = await runScan({ pid, vmas, destinations, changes: null, tracked: [], options, pageSize });
  await assertSameProcess(identity);
  const regions: RegionPlacement[] = vmas.map((vma, i) => ({ vma, status: destinations[i] as StatusArray }));
  return { placement: { identity, pageSize, takenAt: Date.now(), regions }, stats };
}

async function assertSameProcess(identity: ProcessIdentity): Promise<void> {
  let now: ProcessIdentity;
  try {
    now = await readIdentity(identity.pid);
  } catch {
    throw new TargetChangedError(`process ${identity.pid} (${identity.comm}) exited during the scan`);
  }
  if (!sameProcess(identity, now)) {
    throw new TargetChangedError(`process ${identity.pid} is no longer ${identity.comm}: the pid was reused`);
  }
}

/**
 * Scans again, updating `previous` in place (regions whose bounds did not change keep
 * their arrays) and recording every page whose status changed.
 */
export async function rescanProcess(previous: Placement, options: ScanOptions & { changeCapacity?: number } = {}): Promise<RescanResult> {
  const pid = previous.identity.pid;
  await assertSameProcess(previous.identity);
  const vmas = await mapsOf(pid, options);
  const byBounds = new Map<string, RegionPlacement>();
  for (const region of previous.regions) byBounds.set(`${region.vma.start}-${region.vma.end}`, region);
  const kept = new Set<RegionPlacement>();
  const regionsAdded: Vma[] = [];
  const destinations = vmas.map((vma) => {
    const old = byBounds.get(`${vma.start}-${vma.end}`);
    if (old) {
      kept.add(old);
      return old.status;
    }
    regionsAdded.push(vma);
    return new Int16Array(pagesOf(vma, previous.pageSize));
  });
  const regionsRemoved = previous.regions.filter((r) => !kept.has(r)).map((r) => r.vma);
  // New regions start from zeroes, so their first answers are not changes.
  const changes = new ChangeLog(options.changeCapacity);
  const tracked = vmas.map((vma) => byBounds.has(`${vma.start}-${vma.end}`));
  const stats = await runScan({ pid, vmas, destinations, changes, tracked, options, pageSize: previous.pageSize });
  await assertSameProcess(previous.identity);
  const placement: Placement = {
    identity: previous.identity,
    pageSize: previous.pageSize,
    takenAt: Date.now(),
    regions: vmas.map((vma, i) => ({ vma, status: destinations[i] as StatusArray })),
  };
  return { placement, stats, changes, regionsAdded, regionsRemoved };
}
