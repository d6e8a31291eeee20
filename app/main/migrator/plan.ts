/**
 * The pure half of a move: which pages, in what order, in what chunks. No kernel calls here,
 * so every rule is unit-tested on made-up address spaces.
 *
 * Large folios: the kernel migrates a transparent huge page (or hugetlb page) as a whole when
 * asked about any one of its addresses, and answers -EBUSY for the folio's other addresses in
 * the same call, because the folio is already isolated. So where a region may hold huge pages
 * (smaps says AnonHugePages, ShmemPmdMapped/FilePmdMapped > 0, or it is hugetlb), a fully
 * requested, folio-aligned stretch whose pages all sit on one node and all go to one node is
 * sent as a single address. That is only a guess (the stretch may be 512 small pages); the
 * executor checks every page afterwards and sends what did not follow one by one, so a wrong
 * guess costs one extra call, never a wrong result.
 */
import { endianness } from 'node:os';
import type { AddressRange } from '../../common/address.js';

export type { AddressRange };

/** A page-aligned part of a requested range inside one mapping. */
export interface ClippedSegment extends AddressRange {
  /** Index of the mapping in the list given to clipToVmas. */
  vma: number;
}

export interface ClipResult {
  segments: ClippedSegment[];
  /** Pages in the requested ranges, after page alignment and merging overlaps. */
  requestedPages: number;
  /** Of those, pages outside every mapping: never queried, never moved. */
  unmappedPages: number;
}

function alignDown(value: bigint, size: bigint): bigint {
  return value - (value % size);
}

function alignUp(value: bigint, size: bigint): bigint {
  const rest = value % size;
  return rest === 0n ? value : value + size - rest;
}

/** Page-aligns (outwards), drops empty ranges, sorts and merges overlapping or touching ones. */
export function normalizeRanges(ranges: readonly AddressRange[], pageSize: number): AddressRange[] {
  const size = BigInt(pageSize);
  const aligned = ranges
    .filter((r) => r.end > r.start)
    .map((r) => ({ start: alignDown(r.start, size), end: alignUp(r.end, size) }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: AddressRange[] = [];
  for (const range of aligned) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) {
      if (range.end > last.end) last.end = range.end;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** Intersects the requested ranges with the process's mappings (which need not be sorted). */
export function clipToVmas(ranges: readonly AddressRange[], vmas: readonly AddressRange[], pageSize: number): ClipResult {
  const size = BigInt(pageSize);
  const merged = normalizeRanges(ranges, pageSize);
  const order = vmas.map((_, index) => index).sort((a, b) => {
    const x = (vmas[a] as AddressRange).start;
    const y = (vmas[b] as AddressRange).start;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const segments: ClippedSegment[] = [];
  let requested = 0n;
  let mapped = 0n;
  for (const range of merged) {
    requested += (range.end - range.start) / size;
    for (const index of order) {
      const vma = vmas[index] as AddressRange;
      if (vma.end <= range.start) continue;
      if (vma.start >= range.end) break;
      const start = vma.start > range.start ? vma.start : range.start;
      const end = vma.end < range.end ? vma.end : range.end;
      if (end > start) {
        segments.push({ start, end, vma: index });
        mapped += (end - start) / size;
      }
    }
  }
  return { segments, requestedPages: Number(requested), unmappedPages: Number(requested - mapped) };
}

export function countPages(segments: readonly AddressRange[], pageSize: number): number {
  const size = BigInt(pageSize);
  let total = 0n;
  for (const s of segments) total += (s.end - s.start) / size;
  return Number(total);
}

const TWO_32 = 2 ** 32;
/** Index of the low 32-bit half of a 64-bit element in a Uint32Array view. */
const LOW_WORD = endianness() === 'LE' ? 0 : 1;

/** Every page address of the segments, in order. */
export function pageAddresses(segments: readonly AddressRange[], pageSize: number): BigUint64Array {
  const pages = new BigUint64Array(countPages(segments, pageSize));
  const fill = addressWriter(pages, pageSize);
  let i = 0;
  for (const s of segments) i = fill(i, s.start, s.end);
  return pages;
}

/**
 * Every page address of runs of page numbers (address / page size): `runs` holds [start, end)
 * pairs, ascending, the first `count` of them used.
 */
export function pageAddressesOfRuns(runs: Float64Array, count: number, pageSize: number): BigUint64Array {
  let total = 0;
  for (let r = 0; r < count; r++) total += (runs[2 * r + 1] as number) - (runs[2 * r] as number);
  const pages = new BigUint64Array(total);
  const fill = addressWriter(pages, pageSize);
  const size = BigInt(pageSize);
  let i = 0;
  for (let r = 0; r < count; r++) i = fill(i, BigInt(runs[2 * r] as number) * size, BigInt(runs[2 * r + 1] as number) * size);
  return pages;
}

/** Writes the page addresses of [start, end) into `pages` from index i on; returns the next index. */
function addressWriter(pages: BigUint64Array, pageSize: number): (i: number, start: bigint, end: bigint) => number {
  // Written as 32-bit halves: the high one with fill() for each stretch below a 4 GiB line,
  // then the low one counted up, one store a page. A BigInt per page costs an allocation each,
  // and under emulation (the test guests) every operation in this loop showed. Addresses above
  // 2^53 (no user address is) take the BigInt path.
  const words = new Uint32Array(pages.buffer, pages.byteOffset, pages.length * 2);
  const size = BigInt(pageSize);
  return (i, start, stop) => {
    if (stop > BigInt(Number.MAX_SAFE_INTEGER)) {
      for (let a = start; a < stop; a += size) pages[i++] = a;
      return i;
    }
    let address = Number(start);
    const end = Number(stop);
    while (address < end) {
      let low = address % TWO_32;
      const n = Math.min((end - address) / pageSize, Math.ceil((TWO_32 - low) / pageSize));
      const from = 2 * i;
      const to = 2 * (i + n);
      words.fill(Math.floor(address / TWO_32), from, to);
      for (let at = from + LOW_WORD; at < to; at += 2) {
        words[at] = low;
        low += pageSize;
      }
      i += n;
      address += n * pageSize;
    }
    return i;
  };
}

/** The runs of consecutive pages in a sorted page list, as ranges. */
export function segmentsOfPages(pages: BigUint64Array, pageSize: number): AddressRange[] {
  const size = BigInt(pageSize);
  const out: AddressRange[] = [];
  for (const page of pages) {
    const last = out[out.length - 1];
    if (last && last.end === page) last.end = page + size;
    else out.push({ start: page, end: page + size });
  }
  return out;
}

/** A stretch of address space that may hold folios of `folioSize` bytes. */
export interface HugeRange extends AddressRange {
  folioSize: number;
}

/**
 * Per page of a sorted page list: the folio size (bytes) of the huge range it lies in, or 0.
 * A merge walk, since both lists are sorted.
 */
export function hugeHints(pages: BigUint64Array, ranges: readonly HugeRange[]): Uint32Array {
  const hints = new Uint32Array(pages.length);
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let r = 0;
  for (let i = 0; i < pages.length && r < sorted.length; i++) {
    const page = pages[i] as bigint;
    while (r < sorted.length && (sorted[r] as HugeRange).end <= page) r++;
    const range = sorted[r];
    if (range && page >= range.start) hints[i] = range.folioSize;
  }
  return hints;
}

export interface MoveList {
  /** One address per entry: a page, or the first page of a presumed huge folio. */
  addresses: BigUint64Array;
  /** The node each entry goes to; entries are sorted by it (address order within a node). */
  nodes: Int32Array;
  /** The entry stands for pages first[e] .. first[e] + count[e] - 1 of the page list. */
  first: Uint32Array;
  count: Uint32Array;
}

export interface MoveListInput {
  pages: BigUint64Array;
  /** Where each page is now (query status). */
  current: Int32Array;
  /** Where each page should go. */
  targets: Int32Array;
  /** Marks the pages to move now: those whose entry equals `want`. */
  include: Uint8Array;
  /** The value of `include` that selects a page (default 1); lets a state array serve as is. */
  want?: number;
  /** From hugeHints; null when no page can be part of a huge folio. */
  hints: Uint32Array | null;
  pageSize: number;
}

/** The size of the folio stretch starting at page i that can go as one entry, or 1. */
function stretchAt(input: MoveListInput, i: number): number {
  const { pages, current, targets, include, hints, pageSize } = input;
  const want = input.want ?? 1;
  const folioSize = hints?.[i] ?? 0;
  if (folioSize <= pageSize) return 1;
  const n = folioSize / pageSize;
  const address = pages[i] as bigint;
  if (address % BigInt(folioSize) !== 0n || i + n > pages.length) return 1;
  // Sorted and unique, so the last page being n-1 pages on means the stretch is whole.
  if ((pages[i + n - 1] as bigint) !== address + BigInt(folioSize - pageSize)) return 1;
  const node = current[i];
  const target = targets[i];
  for (let j = i; j < i + n; j++) {
    if (include[j] !== want || current[j] !== node || targets[j] !== target || hints?.[j] !== folioSize) return 1;
  }
  return n;
}

export function buildMoveList(input: MoveListInput): MoveList {
  const { pages, targets, include, hints, pageSize } = input;
  const want = input.want ?? 1;
  // Typed scratch sized for the worst case (every page its own entry): plain arrays and a
  // comparator sort cost tens of milliseconds for a few hundred thousand pages.
  const first = new Uint32Array(pages.length);
  const count = new Uint32Array(pages.length);
  let entries = 0;
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = 0; i < pages.length; ) {
    if (include[i] !== want) {
      i++;
      continue;
    }
    // Most pages lie outside huge ranges: no call for them.
    const n = hints === null || (hints[i] as number) <= pageSize ? 1 : stretchAt(input, i);
    const node = targets[i] as number;
    if (node < lowest) lowest = node;
    if (node > highest) highest = node;
    first[entries] = i;
    count[entries] = n;
    entries++;
    i += n;
  }
  // Consecutive entries to the same node go to the kernel as one batch, so group by node,
  // keeping address order inside each node (a stable counting sort; most moves have one node).
  const order = new Uint32Array(entries);
  if (entries === 0 || lowest === highest) {
    for (let e = 0; e < entries; e++) order[e] = e;
  } else {
    const nodes = [...new Set(Array.from(first.subarray(0, entries), (page) => targets[page] as number))].sort((a, b) => a - b);
    const slot = new Map<number, number>(nodes.map((node, k) => [node, k]));
    // next[k]: where the next entry to the k-th node goes in `order`.
    const next = new Uint32Array(nodes.length);
    for (let e = 0; e < entries; e++) {
      const k = slot.get(targets[first[e] as number] as number) as number;
      next[k] = (next[k] as number) + 1;
    }
    for (let k = 0, sum = 0; k < nodes.length; k++) {
      const n = next[k] as number;
      next[k] = sum;
      sum += n;
    }
    for (let e = 0; e < entries; e++) {
      const k = slot.get(targets[first[e] as number] as number) as number;
      order[next[k] as number] = e;
      next[k] = (next[k] as number) + 1;
    }
  }
  const list: MoveList = {
    addresses: new BigUint64Array(entries),
    nodes: new Int32Array(entries),
    first: new Uint32Array(entries),
    count: new Uint32Array(entries),
  };
  // Addresses are copied as 32-bit halves, which needs no BigInt per entry.
  const from = new Uint32Array(pages.buffer, pages.byteOffset, pages.length * 2);
  const to = new Uint32Array(list.addresses.buffer);
  for (let k = 0; k < entries; k++) {
    const e = order[k] as number;
    const page = first[e] as number;
    to[2 * k] = from[2 * page] as number;
    to[2 * k + 1] = from[2 * page + 1] as number;
    list.nodes[k] = targets[page] as number;
    list.first[k] = page;
    list.count[k] = count[e] as number;
  }
  return list;
}

/**
 * Where the call that starts at entry `from` ends (exclusive) when it may carry about
 * `maxPages` pages: a huge folio counts for all its pages (it costs as much to copy), and a
 * call carries at least one entry.
 */
export function chunkEnd(list: MoveList, from: number, maxPages: number): number {
  let pages = 0;
  let e = from;
  for (; e < list.count.length; e++) {
    const n = list.count[e] as number;
    if (e > from && pages + n > maxPages) break;
    pages += n;
  }
  return e;
}

/** Splits a whole move list into calls of about `maxPages` pages each. Returns [from, to) pairs. */
export function chunkMoveList(list: MoveList, maxPages: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (let from = 0; from < list.count.length; ) {
    const to = chunkEnd(list, from, maxPages);
    chunks.push([from, to]);
    from = to;
  }
  return chunks;
}

/** Splits [0, total) into [from, to) pieces of at most `size`. */
export function chunkRange(total: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0; from < total; from += size) out.push([from, Math.min(total, from + size)]);
  return out;
}

/**
 * Run-length encoding of per-page statuses, [[count, status], ...], as snapshots store them.
 */
export function runLength(status: Int32Array): [number, number][] {
  const runs: [number, number][] = [];
  for (const value of status) {
    const last = runs[runs.length - 1];
    if (last && last[1] === value) last[0]++;
    else runs.push([1, value]);
  }
  return runs;
}

/**
 * Run-length encoding of the status of every page of the segments when a move listed only
 * some of them: `pages` (ascending, inside the segments) with their `status`, and per segment
 * the status of its pages that were not listed (`unlisted`, null when every page was).
 */
export function segmentRuns(segments: readonly AddressRange[], pages: BigUint64Array, status: Int32Array, unlisted: ArrayLike<number> | null, pageSize: number): [number, number][] {
  if (unlisted === null) return runLength(status);
  const size = BigInt(pageSize);
  const runs: [number, number][] = [];
  const push = (n: number, value: number): void => {
    const last = runs[runs.length - 1];
    if (last && last[1] === value) last[0] += n;
    else if (n > 0) runs.push([n, value]);
  };
  let i = 0;
  segments.forEach((segment, k) => {
    const absent = unlisted[k] as number;
    let cursor = segment.start;
    for (; i < pages.length && (pages[i] as bigint) < segment.end; i++) {
      const page = pages[i] as bigint;
      if (page > cursor) push(Number((page - cursor) / size), absent);
      push(1, status[i] as number);
      cursor = page + size;
    }
    if (cursor < segment.end) push(Number((segment.end - cursor) / size), absent);
  });
  return runs;
}

/**
 * Where migrate_pages(2) sends each source node: the kernel maps the n-th node of the source
 * set to the (n mod |to|)-th node of the target set (node_remap in lib/bitmap.c), and leaves a
 * node that maps onto itself alone.
 */
export function nodeRemap(fromNodes: readonly number[], toNodes: readonly number[]): [number, number][] {
  const from = [...new Set(fromNodes)].sort((a, b) => a - b);
  const to = [...new Set(toNodes)].sort((a, b) => a - b);
  if (to.length === 0) return [];
  return from.map((node, n) => [node, to[n % to.length] as number]);
}
