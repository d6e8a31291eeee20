/**
 * Walks of which pages are present, for the presence bits of incremental polls
 * (presence-bits.ts). Unlike the scan's presence sources (presence.ts), which must not miss a
 * page worth asking about and so report swapped pages too, these report exactly the pages
 * that are present and not the shared zero page: a page swapped out, or replaced by the zero
 * page (a write-free fault, KSM's use_zero_pages), then shows up as a change.
 */
import { PAGE_IS_PFNZERO, PAGE_IS_PRESENT, PagemapScanner } from '../../../native/sync.js';
import { PagemapWindow } from './pagemap-window.js';

const TWO_32 = 2 ** 32;
/** Bit 63 of a pagemap entry (present), seen in its high 32-bit word. */
const PRESENT_BIT = 1 << 31;

export type RunVisitor = (start: number, end: number) => void;

export interface PresenceWalk {
  /** Visits, ascending, the runs of present pages of [firstPage, firstPage + pages), counted from firstPage. */
  walk(firstPage: number, pages: number, visit: RunVisitor): void;
}

/** PAGEMAP_SCAN (Linux >= 6.7): the kernel returns ranges, no work per page here. */
export class PagemapScanWalk implements PresenceWalk {
  private readonly scanner = new PagemapScanner(16384);

  constructor(
    private readonly fd: number,
    private readonly pageSize: number,
  ) {}

  walk(firstPage: number, pages: number, visit: RunVisitor): void {
    const { scanner, pageSize } = this;
    const words = scanner.words;
    const base = firstPage * pageSize;
    const end = (firstPage + pages) * pageSize;
    let start = base;
    while (start < end) {
      const call = scanner.scan(this.fd, start, end, PAGE_IS_PRESENT, PAGE_IS_PRESENT | PAGE_IS_PFNZERO);
      let reached = start;
      for (let i = 0; i < call.ranges; i++) {
        const at = 6 * i;
        const rangeStart = (words[at + 1] as number) * TWO_32 + (words[at] as number);
        const rangeEnd = (words[at + 3] as number) * TWO_32 + (words[at + 2] as number);
        reached = rangeEnd;
        // The kernel splits ranges where categories change, so a zero-page range is its own.
        if (((words[at + 4] as number) & PAGE_IS_PFNZERO) === 0) visit((rangeStart - base) / pageSize, (rangeEnd - base) / pageSize);
      }
      // Stops early only when the output vector is full (see PagemapScanSource for walk_end).
      if (call.ranges < scanner.capacity) return;
      const next = Math.max(call.walkEnd, reached);
      if (next <= start) return;
      start = next;
    }
  }
}

/** Reading /proc/PID/pagemap (before Linux 6.7): 8 bytes a page, bit 63 present. */
export class PagemapReadWalk implements PresenceWalk {
  private readonly pagemap: PagemapWindow;

  constructor(fd: number, windowPages = 65536) {
    this.pagemap = new PagemapWindow(fd, windowPages);
  }

  walk(firstPage: number, pages: number, visit: RunVisitor): void {
    const { pagemap } = this;
    const words = pagemap.words;
    for (let offset = 0; offset < pages; offset += pagemap.windowPages) {
      const entries = pagemap.read(firstPage + offset, Math.min(pagemap.windowPages, pages - offset));
      let i = 0;
      while (i < entries) {
        while (i < entries && ((words[2 * i + 1] as number) & PRESENT_BIT) === 0) i++;
        const start = i;
        while (i < entries && ((words[2 * i + 1] as number) & PRESENT_BIT) !== 0) i++;
        if (i > start) visit(offset + start, offset + i);
      }
    }
  }
}
