/**
 * Which pages of a move's segments are there at all, so that only those are listed, asked
 * about and moved. A range may be a huge sparse reservation (a JVM heap, a Go arena, V8's
 * cage, ASAN's shadow: terabytes reserved, megabytes touched); listing every page of it costs
 * some 25 bytes and a query a page, 6 GB and most of a minute for 1 TiB. The sampler's
 * presence sources (PAGEMAP_SCAN on Linux >= 6.7, else /proc/PID/pagemap) find the present
 * and swapped pages for the cost of the page tables that exist.
 *
 * Pages they report absent are not asked about one by one: the kernel gives every absent page
 * of a mapping the same answer (-ENOENT, or -EFAULT for untouched anonymous memory before
 * Linux 6.12), so one page of each segment with absent pages is asked, in a single call, and
 * its answer stands for the rest of that segment.
 *
 * Small requests skip all this: below PRESENCE_MIN_PAGES listing every page costs at most a
 * few megabytes and milliseconds, and the query alone is the exact record.
 */
import { closeSync, openSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { errno, movePages } from '../../../native/index.js';
import type { PresenceSource } from '../sampler/engine.js';
import { PagemapReadSource, PagemapScanSource } from '../sampler/presence.js';
import { MigratorError, errorCode } from './errors.js';
import type { AddressRange } from './plan.js';

/** Mapped pages (256 MiB of 4 KiB pages) from which presence is looked up first by default. */
export const PRESENCE_MIN_PAGES = 65536;
/** Pages handed to the presence source at a time; between windows the event loop may run. */
const WINDOW_PAGES = 1 << 20;
/** The longest the presence lookup keeps the event loop before letting it run. */
const SLICE_MS = 10;

/** The present (or swapped) pages of some segments, as runs of page numbers. */
export interface PresentPages {
  /** [start, end) pairs of page numbers (address / page size), ascending; the first `count` pairs are used. */
  runs: Float64Array;
  count: number;
  /** Pages in the runs. */
  pages: number;
  /** Per segment: its pages in the runs. */
  listed: number[];
  /** Per segment: the status its other pages answer (0 where it has none). */
  absentStatus: Int32Array;
  /** The presence source used. */
  source: 'pagemap-scan' | 'pagemap-read';
}

/** Whether to look up presence first for `mappedPages` pages: `choice` forces it either way. */
export function presenceWanted(choice: boolean | undefined, mappedPages: number): boolean {
  return choice ?? mappedPages >= PRESENCE_MIN_PAGES;
}

class Runs {
  data = new Float64Array(64);
  count = 0;
  pages = 0;
  /** Runs starting here or before are not joined to the one before (a new segment starts). */
  floor = 0;

  add(start: number, end: number): void {
    const at = 2 * this.count;
    if (this.count > 0 && start > this.floor && this.data[at - 1] === start) {
      this.data[at - 1] = end;
    } else {
      if (at + 2 > this.data.length) {
        const grown = new Float64Array(this.data.length * 2);
        grown.set(this.data);
        this.data = grown;
      }
      this.data[at] = start;
      this.data[at + 1] = end;
      this.count++;
    }
    this.pages += end - start;
  }
}

function openSource(pid: number, pageSize: number, firstPage: number): { source: PresenceSource; name: PresentPages['source']; fd: number } | null {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/pagemap`, 'r');
  } catch {
    // Not readable (the query would need the same access): every page is asked about.
    return null;
  }
  const scan = new PagemapScanSource(fd, pageSize);
  try {
    scan.probe(firstPage);
    return { source: scan, name: 'pagemap-scan', fd };
  } catch {
    // Before Linux 6.7: read pagemap itself.
    return { source: new PagemapReadSource(fd), name: 'pagemap-read', fd };
  }
}

/**
 * The present pages of the segments, or null when pagemap cannot be read (then every page
 * must be listed). Cancelled by `signal` with MigratorError('ABORTED').
 */
export async function findPresentPages(pid: number, segments: readonly AddressRange[], pageSize: number, signal?: AbortSignal): Promise<PresentPages | null> {
  const first = segments[0];
  if (!first) return { runs: new Float64Array(0), count: 0, pages: 0, listed: [], absentStatus: new Int32Array(0), source: 'pagemap-scan' };
  const size = BigInt(pageSize);
  const opened = openSource(pid, pageSize, Number(first.start / size));
  if (!opened) return null;
  const runs = new Runs();
  const listed: number[] = [];
  try {
    let slice = performance.now();
    for (const segment of segments) {
      const before = runs.pages;
      const firstPage = Number(segment.start / size);
      const endPage = Number(segment.end / size);
      runs.floor = firstPage;
      for (let from = firstPage; from < endPage; from += WINDOW_PAGES) {
        if (signal?.aborted) throw new MigratorError('ABORTED', pid, 'cancelled while finding the present pages');
        const to = Math.min(endPage, from + WINDOW_PAGES);
        try {
          opened.source.ranges(from, to, (start, end) => runs.add(from + start, from + end));
        } catch (error) {
          // PAGEMAP_SCAN refuses addresses beyond the process's own (the vsyscall page): those
          // pages are listed, and the query answers for them as it always did.
          if (errorCode(error) !== 'EFAULT') throw error;
          runs.add(from, to);
        }
        if (performance.now() - slice > SLICE_MS) {
          await yieldToLoop();
          slice = performance.now();
        }
      }
      listed.push(runs.pages - before);
    }
  } finally {
    closeSync(opened.fd);
  }
  if (signal?.aborted) throw new MigratorError('ABORTED', pid, 'cancelled while finding the present pages');
  return { runs: runs.data, count: runs.count, pages: runs.pages, listed, absentStatus: await absentAnswers(pid, segments, runs, listed, pageSize), source: opened.name };
}

/** Per segment with absent pages, the kernel's answer for one of them (see the top). */
async function absentAnswers(pid: number, segments: readonly AddressRange[], runs: Runs, listed: readonly number[], pageSize: number): Promise<Int32Array> {
  const size = BigInt(pageSize);
  const answers = new Int32Array(segments.length);
  const which: number[] = [];
  const probes: bigint[] = [];
  let run = 0;
  segments.forEach((segment, k) => {
    const pages = Number((segment.end - segment.start) / size);
    const firstPage = Number(segment.start / size);
    const endPage = Number(segment.end / size);
    // Runs never cross a segment's end: the source was asked segment by segment.
    let candidate = firstPage;
    for (; run < runs.count && (runs.data[2 * run] as number) < endPage; run++) {
      if ((runs.data[2 * run] as number) === candidate) candidate = runs.data[2 * run + 1] as number;
    }
    if ((listed[k] as number) < pages) {
      which.push(k);
      probes.push(BigInt(candidate) * size);
    }
  });
  if (probes.length === 0) return answers;
  const { status } = await movePages(pid, probes, null, 0);
  which.forEach((k, i) => {
    const answer = status[i] as number;
    // Present now (it appeared after the lookup): the others are still taken as not present.
    answers[k] = answer < 0 ? answer : -errno.ENOENT;
  });
  return answers;
}
