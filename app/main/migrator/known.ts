/**
 * Where pages are, without asking about each one: a mapping that numa_maps shows wholly
 * present on a single node has every page on that node, so its pages need no query for the
 * move's record of where they were.
 *
 * Why: the per-page query costs about a twentieth of the move itself (in the test guests
 * 100-130 ms of a 2 s move of 512 MiB), while numa_maps answers for a whole mapping in one
 * walk of its page tables, a third of that or less. It is the same kind of answer (pages
 * mapped in the process's page tables, by node, at one moment) that the query gives.
 *
 * When: numa_maps walks every mapping of the process, so it pays only when the pages asked
 * about are a good part of what the process has resident; for a small range of a large
 * process the query alone is cheaper.
 */
import type { NumaMapsEntry } from '../../common/types.js';
import type { AddressRange, ClippedSegment } from './plan.js';

/** Pages [from, to) of a move's page list, all on `node` when it was planned. */
export interface KnownSpan {
  from: number;
  to: number;
  node: number;
}

/**
 * Whether reading numa_maps should save time: the pages asked about are at least half the
 * process's resident pages (then the walk covers little more than the query would).
 */
export function numaMapsWorthReading(requestedPages: number, residentPages: number): boolean {
  return requestedPages > 0 && requestedPages * 2 >= residentPages;
}

/**
 * The spans of the page list (the segments' pages laid end to end, as pageAddresses lists
 * them, or the listed ones of each segment) that lie in mappings with every page present on
 * one node. A mapping qualifies only when its node counts are of one node and add up to its
 * size in pages of `pageSize`; huge page mappings (hugetlb) never do, their counts being in
 * huge pages.
 */
export function knownSpans(
  segments: readonly ClippedSegment[],
  vmas: readonly AddressRange[],
  entries: readonly NumaMapsEntry[],
  pageSize: number,
  /** Per segment, its pages in the list when not all are (see present.ts). */
  listed?: readonly number[],
): KnownSpan[] {
  const byStart = new Map<bigint, NumaMapsEntry>();
  for (const entry of entries) byStart.set(entry.start, entry);
  const size = BigInt(pageSize);
  const spans: KnownSpan[] = [];
  let at = 0;
  for (const [k, segment] of segments.entries()) {
    const pages = listed?.[k] ?? Number((segment.end - segment.start) / size);
    const vma = vmas[segment.vma];
    const entry = vma ? byStart.get(vma.start) : undefined;
    const node = vma && entry ? soleNode(entry, Number((vma.end - vma.start) / size), pageSize) : null;
    if (node !== null && pages > 0) {
      const last = spans[spans.length - 1];
      if (last && last.to === at && last.node === node) last.to = at + pages;
      else spans.push({ from: at, to: at + pages, node });
    }
    at += pages;
  }
  return spans;
}

/** The node holding every page of a mapping of `vmaPages` pages, or null. */
function soleNode(entry: NumaMapsEntry, vmaPages: number, pageSize: number): number | null {
  if (entry.huge || entry.kernelPageSize !== pageSize || entry.pagesByNode.size !== 1) return null;
  const [[node, count]] = [...entry.pagesByNode] as [[number, number]];
  return count === vmaPages ? node : null;
}
