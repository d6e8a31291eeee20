/**
 * Write tracking with the kernel's soft-dirty bits: `echo 4 > /proc/PID/clear_refs` clears
 * them (and write-protects the process's pages), and the next write to a page sets its bit
 * again (bit 55 of its pagemap entry; PAGE_IS_SOFT_DIRTY in PAGEMAP_SCAN, Linux >= 6.7).
 *
 * What it sees: pages written since the last clear, page by page. What it cannot see: reads
 * (a page read in a hot loop and never written looks idle), so every figure built on it is
 * labelled "writes only". The cost to the target: the first write to each page after a clear
 * takes a minor fault.
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { NativeError } from '../../../native/index.js';
import { kernelTracksSoftDirty, PAGE_IS_PRESENT, PAGE_IS_SOFT_DIRTY, PAGE_IS_SWAPPED, PagemapScanner } from '../../../native/sync.js';
import type { AddressRange } from '../../common/address.js';
import { errnoCode, procPath } from '../proc/errors.js';
import { HeatUnavailableError } from './errors.js';

/** [first page, end page) in absolute page numbers (address / page size). */
export type PageRun = readonly [number, number];

const TWO_32 = 2 ** 32;
/** Bit 55 (soft-dirty), 62 (swapped) and 63 (present) of a pagemap entry, in its high 32-bit word. */
const SOFT_DIRTY_BIT = 1 << 23;
const THERE_BITS = (1 << 31) | (1 << 30);
/** Pagemap entries read at a time on kernels without PAGEMAP_SCAN. */
const READ_WINDOW = 65536;

export class SoftDirtyTracker {
  private readonly scanner: PagemapScanner | null;
  private readonly scratch = Buffer.alloc(READ_WINDOW * 8);

  private constructor(
    readonly pid: number,
    private readonly fd: number,
    private readonly pageSize: number,
    useScan: boolean,
  ) {
    this.scanner = useScan ? new PagemapScanner(4096) : null;
  }

  /**
   * Clears the process's soft-dirty bits, so the first sample counts writes from now on.
   * Throws HeatUnavailableError, in one line, when the bits cannot be used.
   */
  static start(pid: number, pageSize: number): SoftDirtyTracker {
    if (!kernelTracksSoftDirty()) throw new HeatUnavailableError('soft-dirty: this kernel does not track soft-dirty bits (built without CONFIG_MEM_SOFT_DIRTY)');
    let fd: number;
    try {
      fd = openSync(procPath(pid, 'pagemap'), 'r');
    } catch (error) {
      throw new HeatUnavailableError(`soft-dirty: cannot read ${procPath(pid, 'pagemap')} (${errnoCode(error) ?? 'error'}): it needs the process's owner or root`);
    }
    let useScan = true;
    try {
      new PagemapScanner(1).scan(fd, 0, pageSize, PAGE_IS_SOFT_DIRTY, PAGE_IS_SOFT_DIRTY);
    } catch (error) {
      // ENOTTY: no PAGEMAP_SCAN (before 6.7); EINVAL: it does not know the category yet.
      if (!(error instanceof NativeError)) throw error;
      useScan = false;
    }
    const tracker = new SoftDirtyTracker(pid, fd, pageSize, useScan);
    try {
      tracker.clear();
    } catch (error) {
      tracker.close();
      throw error;
    }
    return tracker;
  }

  /** How pages are read: 'pagemap-scan' (one ioctl per range) or 'pagemap-read' (8 bytes a page). */
  get method(): 'pagemap-scan' | 'pagemap-read' {
    return this.scanner ? 'pagemap-scan' : 'pagemap-read';
  }

  clear(): void {
    try {
      writeFileSync(procPath(this.pid, 'clear_refs'), '4');
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ESRCH' || code === 'ENOENT') throw new HeatUnavailableError(`soft-dirty: process ${this.pid} exited`);
      throw new HeatUnavailableError(`soft-dirty: cannot write ${procPath(this.pid, 'clear_refs')} (${code ?? 'error'}): it needs the process's owner or root`);
    }
  }

  /**
   * Runs of present or swapped pages written since the last clear, inside `ranges` (address
   * order), then clears again when `clearAfter`: one sample interval ends, the next begins.
   */
  sample(ranges: readonly AddressRange[], clearAfter = true): PageRun[] {
    const runs: PageRun[] = [];
    for (const range of ranges) {
      const first = Number(range.start / BigInt(this.pageSize));
      const end = Number(range.end / BigInt(this.pageSize));
      if (this.scanner) this.scanRuns(first, end, runs);
      else this.readRuns(first, end, runs);
    }
    if (clearAfter) this.clear();
    return runs;
  }

  close(): void {
    closeSync(this.fd);
  }

  private scanRuns(first: number, endPage: number, runs: PageRun[]): void {
    const scanner = this.scanner as PagemapScanner;
    const end = endPage * this.pageSize;
    let start = first * this.pageSize;
    while (start < end) {
      // Holes of a VMA mapped since the last clear are soft-dirty too: only pages that are
      // there (present or swapped) count as written.
      const call = scanner.scan(this.fd, start, end, PAGE_IS_PRESENT | PAGE_IS_SWAPPED, PAGE_IS_SOFT_DIRTY, PAGE_IS_SOFT_DIRTY);
      const words = scanner.words;
      let reached = start;
      for (let i = 0; i < call.ranges; i++) {
        const at = 6 * i;
        const rangeStart = (words[at + 1] as number) * TWO_32 + (words[at] as number);
        const rangeEnd = (words[at + 3] as number) * TWO_32 + (words[at + 2] as number);
        pushRun(runs, rangeStart / this.pageSize, rangeEnd / this.pageSize);
        reached = rangeEnd;
      }
      // Only a full output vector stops the walk early (see PagemapScanSource on walk_end).
      if (call.ranges < scanner.capacity) return;
      const next = Math.max(call.walkEnd, reached);
      if (next <= start) return;
      start = next;
    }
  }

  private readRuns(first: number, end: number, runs: PageRun[]): void {
    const words = new Uint32Array(this.scratch.buffer, this.scratch.byteOffset, READ_WINDOW * 2);
    for (let page = first; page < end; page += READ_WINDOW) {
      const count = Math.min(READ_WINDOW, end - page);
      let done = 0;
      while (done < count * 8) {
        const read = readSync(this.fd, this.scratch, done, count * 8 - done, BigInt(page) * 8n + BigInt(done));
        if (read === 0) break;
        done += read;
      }
      const entries = Math.floor(done / 8);
      let i = 0;
      while (i < entries) {
        while (i < entries && !written(words[2 * i + 1] as number)) i++;
        const runStart = i;
        while (i < entries && written(words[2 * i + 1] as number)) i++;
        if (i > runStart) pushRun(runs, page + runStart, page + i);
      }
    }
  }
}

function written(high: number): boolean {
  return (high & SOFT_DIRTY_BIT) !== 0 && (high & THERE_BITS) !== 0;
}

/** Appends [start, end), merging with the previous run when they touch. */
function pushRun(runs: PageRun[], start: number, end: number): void {
  const last = runs[runs.length - 1];
  if (last && last[1] === start) runs[runs.length - 1] = [last[0], end];
  else runs.push([start, end]);
}
