/**
 * Which pages are there: the presence sources the scan engine asks before querying, both
 * synchronous, for the sampler's worker thread.
 *
 * - PAGEMAP_SCAN (Linux >= 6.7): one ioctl on /proc/PID/pagemap returns only the ranges of
 *   present or swapped pages, and marks PMD-mapped huge pages. No work per absent page in
 *   JavaScript at all.
 * - Reading /proc/PID/pagemap (any kernel): 8 bytes per page, bit 63 present, bit 62
 *   swapped. Knows nothing about huge pages without PFN access, so huge pages are queried
 *   page by page on this path (still the right answers, only slower).
 */
import { PAGE_IS_HUGE, PAGE_IS_PRESENT, PAGE_IS_SWAPPED, PagemapScanner } from '../../../native/sync.js';
import type { PresenceSource, RangeVisitor } from './engine.js';
import { PagemapWindow } from './pagemap-window.js';

const TWO_32 = 2 ** 32;

/** Bits 63 (present) and 62 (swapped) of a pagemap entry, seen in its high 32-bit word. */
const THERE = (1 << 31) | (1 << 30);

/**
 * Visits the runs of entries marked present or swapped among the first `count` pagemap
 * entries in `words` (little-endian 32-bit halves), adding `offset` to every index.
 */
export function visitPresentRuns(words: Uint32Array, count: number, offset: number, visit: RangeVisitor): void {
  let i = 0;
  while (i < count) {
    while (i < count && ((words[2 * i + 1] as number) & THERE) === 0) i++;
    if (i === count) return;
    const start = i;
    while (i < count && ((words[2 * i + 1] as number) & THERE) !== 0) i++;
    visit(offset + start, offset + i, false);
  }
}

export class PagemapReadSource implements PresenceSource {
  readonly strategy = 'pagemap-read';
  private readonly pagemap: PagemapWindow;

  constructor(fd: number, windowPages = 65536) {
    this.pagemap = new PagemapWindow(fd, windowPages);
  }

  ranges(firstPage: number, endPage: number, visit: RangeVisitor): void {
    const { pagemap } = this;
    for (let page = firstPage; page < endPage; page += pagemap.windowPages) {
      const count = Math.min(pagemap.windowPages, endPage - page);
      const entries = pagemap.read(page, count);
      const offset = page - firstPage;
      visitPresentRuns(pagemap.words, entries, offset, visit);
      // Past a short read (the range vanished) every page is queried, so the kernel decides.
      if (entries < count) visit(offset + entries, offset + count, false);
    }
  }
}

export class PagemapScanSource implements PresenceSource {
  readonly strategy = 'pagemap-scan';
  private readonly scanner: PagemapScanner;

  constructor(
    private readonly fd: number,
    private readonly pageSize: number,
    capacity = 4096,
  ) {
    this.scanner = new PagemapScanner(capacity);
  }

  /** Throws (ENOTTY before Linux 6.7) when the kernel has no PAGEMAP_SCAN. */
  probe(firstPage: number): void {
    const start = firstPage * this.pageSize;
    this.scanner.scan(this.fd, start, start + this.pageSize, PAGE_IS_PRESENT | PAGE_IS_SWAPPED, PAGE_IS_PRESENT);
  }

  ranges(firstPage: number, endPage: number, visit: RangeVisitor): void {
    const { scanner, pageSize } = this;
    const words = scanner.words;
    const base = firstPage * pageSize;
    const end = endPage * pageSize;
    let start = base;
    while (start < end) {
      const call = scanner.scan(this.fd, start, end, PAGE_IS_PRESENT | PAGE_IS_SWAPPED, PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_HUGE);
      for (let i = 0; i < call.ranges; i++) {
        const at = 6 * i;
        const rangeStart = (words[at + 1] as number) * TWO_32 + (words[at] as number);
        const rangeEnd = (words[at + 3] as number) * TWO_32 + (words[at + 2] as number);
        const categories = words[at + 4] as number;
        // A swapped huge entry (a PMD migration entry) is queried page by page: only a
        // present PMD mapping is known to be one folio.
        const huge = (categories & PAGE_IS_HUGE) !== 0 && (categories & PAGE_IS_PRESENT) !== 0;
        visit((rangeStart - base) / pageSize, (rangeEnd - base) / pageSize, huge);
      }
      // The ioctl stops early only when the output vector is full. Its walk_end is not
      // reliable otherwise: 6.18 leaves it where its internal 512-entry buffer last ran
      // over, short of the end, even though the walk went on to the end (and short of the
      // last range it reported: the walk certainly got that far).
      if (call.ranges < scanner.capacity || call.walkEnd >= end) return;
      const last = 6 * (call.ranges - 1);
      const reached = Math.max(call.walkEnd, (words[last + 3] as number) * TWO_32 + (words[last + 2] as number));
      if (reached <= start) {
        // No progress (should not happen): let the kernel answer for the rest page by page.
        visit((start - base) / pageSize, endPage - firstPage, false);
        return;
      }
      start = reached;
    }
  }
}
