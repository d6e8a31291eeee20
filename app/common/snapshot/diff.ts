/**
 * What changed between two placements of the same process: which pages moved between nodes,
 * which appeared or went away, and where. Linear in pages, walking the two sorted region
 * lists side by side; bigint arithmetic happens per region piece, never per page.
 *
 * Regions need not match between the two: a heap that grew, a region that was split or
 * unmapped. Addresses mapped in both are compared page by page; addresses mapped in only one
 * are reported as gone (only in `a`) or new (only in `b`).
 */
import type { AddressRange } from '../address.js';
import type { Placement, RegionPlacement } from '../types.js';
import { SnapshotError } from './error.js';
import type { SnapshotFile } from './schema.js';
import { decodePlacement } from './decode.js';

export interface StatusTransition {
  from: number;
  to: number;
  pages: number;
}

/** Consecutive pages of one region of `b` that all went from `from` to `to`. */
export interface ChangedRange {
  /** Index of the first page within the region (address = region start + page * pageSize). */
  page: number;
  pages: number;
  from: number;
  to: number;
}

export interface RegionDiff {
  /** The region as it is in `b`. */
  start: bigint;
  end: bigint;
  name: string;
  changedPages: number;
  ranges: ChangedRange[];
}

/** A range of addresses that was mapped in one snapshot and not the other, with its page count. */
export interface MappedRange extends AddressRange {
  pages: number;
}

export interface PlacementDiff {
  pageSize: number;
  /** Same pid and start time: the same process, not a later one that reused the pid. */
  sameProcess: boolean;
  /** Pages mapped in both. */
  comparedPages: number;
  unchangedPages: number;
  changedPages: number;
  /** Pages mapped in `a` only, and their address ranges. */
  gonePages: number;
  gone: MappedRange[];
  /** Pages mapped in `b` only. */
  newPages: number;
  added: MappedRange[];
  /** Every (from, to) status pair that occurred, sorted by from then to. */
  transitions: StatusTransition[];
  /** The node-to-node part of `transitions` (both statuses >= 0): the migration matrix. */
  moved: StatusTransition[];
  /** Regions of `b` with at least one changed page, in address order. */
  regions: RegionDiff[];
  /** Pages per status in `a` and in `b`, and the change: nodes ascending, then errnos. */
  totals: StatusTotal[];
}

export interface StatusTotal {
  status: number;
  before: number;
  after: number;
  delta: number;
}

function pagesByStatus(placement: Placement): Map<number, number> {
  const counts = new Map<number, number>();
  for (const region of placement.regions) {
    region.status.visitRuns(0, region.status.length, (start, end, value) => void counts.set(value, (counts.get(value) ?? 0) + end - start));
  }
  return counts;
}

/** Per-status totals of both placements; a status absent from one counts 0 there. */
export function statusTotals(a: Placement, b: Placement): StatusTotal[] {
  const before = pagesByStatus(a);
  const after = pagesByStatus(b);
  const statuses = [...new Set([...before.keys(), ...after.keys()])];
  statuses.sort((x, y) => (x >= 0) !== (y >= 0) ? (x >= 0 ? -1 : 1) : Math.abs(x) - Math.abs(y));
  return statuses.map((status) => {
    const b0 = before.get(status) ?? 0;
    const a0 = after.get(status) ?? 0;
    return { status, before: b0, after: a0, delta: a0 - b0 };
  });
}

const key = (from: number, to: number): number => (from + 32768) * 65536 + (to + 32768);

export function diffPlacements(a: Placement, b: Placement): PlacementDiff {
  if (a.pageSize !== b.pageSize) throw new SnapshotError(`cannot compare snapshots with different page sizes (${a.pageSize} and ${b.pageSize} bytes)`);
  const pageSize = BigInt(a.pageSize);
  const transitions = new Map<number, number>();
  const regionDiffs = new Map<RegionPlacement, RegionDiff>();
  const gone: MappedRange[] = [];
  const added: MappedRange[] = [];
  let comparedPages = 0;
  let changedPages = 0;

  const addRange = (list: MappedRange[], start: bigint, end: bigint): void => {
    if (end <= start) return;
    const pages = Number((end - start) / pageSize);
    const last = list[list.length - 1];
    if (last !== undefined && last.end === start) {
      last.end = end;
      last.pages += pages;
    } else list.push({ start, end, pages });
  };

  const compare = (ra: RegionPlacement, firstA: number, rb: RegionPlacement, firstB: number, count: number): void => {
    const sa = ra.status;
    const sb = rb.status;
    comparedPages += count;
    let diff = regionDiffs.get(rb);
    // Run against run: pieces [k, e) where both sides keep one status each.
    const piece = (k: number, e: number, from: number, to: number): void => {
      if (from === to) return;
      const pages = e - k;
      if (diff === undefined) {
        diff = { start: rb.vma.start, end: rb.vma.end, name: rb.vma.name, changedPages: 0, ranges: [] };
        regionDiffs.set(rb, diff);
      }
      const last = diff.ranges[diff.ranges.length - 1];
      // A range can continue across the boundary of two regions of `a` inside one region of `b`.
      if (last !== undefined && last.page + last.pages === firstB + k && last.from === from && last.to === to) last.pages += pages;
      else diff.ranges.push({ page: firstB + k, pages, from, to });
      diff.changedPages += pages;
      changedPages += pages;
      const t = key(from, to);
      transitions.set(t, (transitions.get(t) ?? 0) + pages);
    };
    sa.visitRuns(firstA, firstA + count, (startA, endA, from) => {
      sb.visitRuns(firstB + startA - firstA, firstB + endA - firstA, (startB, endB, to) => piece(startB - firstB, endB - firstB, from, to));
    });
  };

  // Sweep both sorted region lists; `at` is where the not yet handled part of each current region begins.
  let ia = 0;
  let ib = 0;
  let atA = a.regions[0]?.vma.start ?? 0n;
  let atB = b.regions[0]?.vma.start ?? 0n;
  while (ia < a.regions.length || ib < b.regions.length) {
    const ra = a.regions[ia];
    const rb = b.regions[ib];
    if (rb === undefined || (ra !== undefined && atA < atB)) {
      const r = ra as RegionPlacement;
      const stop = rb === undefined || r.vma.end < atB ? r.vma.end : atB;
      addRange(gone, atA, stop);
      atA = stop;
    } else if (ra === undefined || atB < atA) {
      const stop = ra === undefined || rb.vma.end < atA ? rb.vma.end : atA;
      addRange(added, atB, stop);
      atB = stop;
    } else {
      const stop = ra.vma.end < rb.vma.end ? ra.vma.end : rb.vma.end;
      compare(ra, Number((atA - ra.vma.start) / pageSize), rb, Number((atB - rb.vma.start) / pageSize), Number((stop - atA) / pageSize));
      atA = stop;
      atB = stop;
    }
    if (ra !== undefined && atA >= ra.vma.end) {
      ia++;
      atA = a.regions[ia]?.vma.start ?? atA;
    }
    if (rb !== undefined && atB >= rb.vma.end) {
      ib++;
      atB = b.regions[ib]?.vma.start ?? atB;
    }
  }

  const all = [...transitions].map(([t, pages]) => ({ from: Math.floor(t / 65536) - 32768, to: (t % 65536) - 32768, pages }));
  all.sort((x, y) => x.from - y.from || x.to - y.to);
  return {
    pageSize: a.pageSize,
    sameProcess: a.identity.pid === b.identity.pid && a.identity.startTime === b.identity.startTime,
    comparedPages,
    unchangedPages: comparedPages - changedPages,
    changedPages,
    gonePages: gone.reduce((sum, r) => sum + r.pages, 0),
    gone,
    newPages: added.reduce((sum, r) => sum + r.pages, 0),
    added,
    transitions: all,
    moved: all.filter((t) => t.from >= 0 && t.to >= 0),
    regions: b.regions.flatMap((r) => regionDiffs.get(r) ?? []),
    totals: statusTotals(a, b),
  };
}

/** diffPlacements on two files (decoded to status stores first). */
export function diffSnapshots(a: SnapshotFile, b: SnapshotFile): PlacementDiff {
  return diffPlacements(decodePlacement(a).placement, decodePlacement(b).placement);
}

/** A snapshot named for the reader: the file (or "live pid N") and when it was taken. */
export interface NamedSnapshot {
  name: string;
  snapshot: SnapshotFile;
}

/** A comparison with its direction spelled out: `diff` is the change from `before` to `after`. */
export interface DirectedDiff {
  before: NamedSnapshot;
  after: NamedSnapshot;
  diff: PlacementDiff;
}

/**
 * The earlier snapshot by `takenAt` is "before", whichever was named first; equal times keep
 * the order given. `swap` turns the direction around when the reader asks for it.
 */
export function orderByTime(first: NamedSnapshot, second: NamedSnapshot, swap = false): [NamedSnapshot, NamedSnapshot] {
  const inOrder = Date.parse(first.snapshot.takenAt) <= Date.parse(second.snapshot.takenAt);
  return inOrder !== swap ? [first, second] : [second, first];
}

/** The change from the earlier snapshot to the later one (or the other way round with `swap`). */
export function diffInTimeOrder(first: NamedSnapshot, second: NamedSnapshot, swap = false): DirectedDiff {
  const [before, after] = orderByTime(first, second, swap);
  return { before, after, diff: diffSnapshots(before.snapshot, after.snapshot) };
}
