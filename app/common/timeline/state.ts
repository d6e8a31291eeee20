/**
 * The placement a timeline stands at after some poll, and how a poll's delta is found
 * (`deltaTo`) and applied (`apply`). The recorder and the reader share it: the recorder
 * applies every delta it writes to its own state, so the totals it writes are the totals a
 * reader gets by replaying the file, page for page.
 */
import { hex } from '../address.js';
import { decodeRuns } from '../snapshot/decode.js';
import { describeMapping } from '../snapshot/envelope.js';
import { SnapshotError } from '../snapshot/error.js';
import type { SnapshotRun } from '../snapshot/schema.js';
import { parseHex } from '../snapshot/validate.js';
import { BLOCK_PAGES, type StatusStore } from '../status-store.js';
import type { Placement, RegionPlacement, Vma } from '../types.js';
import type { AddedRegion, ChangedRuns, PollDelta, PollTotals } from './format.js';

function regionKey(vma: Vma): string {
  return `${vma.start}-${vma.end}-${vma.perms}-${vma.offset}-${vma.dev}-${vma.inode}-${vma.path}`;
}

function runsOf(status: StatusStore, start: number, end: number): SnapshotRun[] {
  const runs: SnapshotRun[] = [];
  status.visitRuns(start, end, (s, e, value) => void runs.push([e - s, value]));
  return runs;
}

/** Page ranges [start, end) where `next` differs from `old` (same length), merged when adjacent. */
function differingRanges(old: StatusStore, next: StatusStore): [number, number][] {
  const ranges: [number, number][] = [];
  next.visitRuns(0, next.length, (start, end, value) => {
    old.visitRuns(start, end, (s, e, was) => {
      if (was === value) return;
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last[1] === s) last[1] = e;
      else ranges.push([s, e]);
    });
  });
  return ranges;
}

/** The index of the region of `regions` (sorted) holding `address`, or -1. */
function regionAt(regions: readonly RegionPlacement[], address: bigint): number {
  let low = 0;
  let high = regions.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const { vma } = regions[mid] as RegionPlacement;
    if (address < vma.start) high = mid - 1;
    else if (address >= vma.end) low = mid + 1;
    else return mid;
  }
  return -1;
}

export class TimelineState {
  /** Pages per status over all regions. */
  readonly counts = new Map<number, number>();

  private constructor(
    readonly pageSize: number,
    public regions: RegionPlacement[],
  ) {
    for (const { status } of regions) this.count(status, 0, status.length, 1);
  }

  /** A state of its own (the stores copied) at `placement`. */
  static copyOf(placement: Placement): TimelineState {
    return new TimelineState(
      placement.pageSize,
      placement.regions.map(({ vma, status }) => ({ vma: { ...vma }, status: status.copy() })),
    );
  }

  /** A state on `placement`'s own stores (a decoded snapshot the caller hands over). */
  static adopt(placement: Placement): TimelineState {
    return new TimelineState(placement.pageSize, placement.regions);
  }

  get heldPages(): number {
    let pages = 0;
    for (const { status } of this.regions) pages += status.heldPages;
    return pages;
  }

  totals(nodes: readonly number[]): PollTotals {
    const byNode: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    for (const node of nodes) byNode[String(node)] = 0;
    for (const [status, pages] of [...this.counts].sort((a, b) => a[0] - b[0])) {
      if (pages === 0) continue;
      if (status >= 0) byNode[String(status)] = pages;
      else byStatus[String(status)] = pages;
    }
    return { byNode, byStatus };
  }

  /**
   * What changed from this state to `next`. `mayHaveChanged`: addresses of every page whose
   * status changed in regions that kept their bounds (the sampler's change log, when it kept
   * them all), so only their regions are compared; null compares every region.
   */
  deltaTo(next: Placement, mayHaveChanged: ArrayLike<number> | null): PollDelta {
    const before = new Map(this.regions.map((r) => [regionKey(r.vma), r]));
    const after = new Set(next.regions.map((r) => regionKey(r.vma)));
    const removed: [string, string][] = this.regions.filter((r) => !after.has(regionKey(r.vma))).map(({ vma }) => [hex(vma.start), hex(vma.end)]);
    let compare: Set<number> | null = null;
    if (mayHaveChanged !== null) {
      compare = new Set();
      for (let i = 0; i < mayHaveChanged.length; i++) compare.add(regionAt(next.regions, BigInt(mayHaveChanged[i] as number)));
    }
    const added: AddedRegion[] = [];
    const changed: ChangedRuns[] = [];
    next.regions.forEach(({ vma, status }, index) => {
      const old = before.get(regionKey(vma));
      if (old === undefined) {
        added.push({ start: hex(vma.start), end: hex(vma.end), perms: vma.perms, offset: hex(vma.offset), dev: vma.dev, inode: vma.inode, path: vma.path, runs: runsOf(status, 0, status.length) });
        return;
      }
      if (compare !== null && !compare.has(index)) return;
      for (const [start, end] of differingRanges(old.status, status)) changed.push([index, start, runsOf(status, start, end)]);
    });
    return { removed, added, changed };
  }

  /** Applies a delta; throws SnapshotError (prefixed with `where`) when it does not fit this state. */
  apply(delta: PollDelta, where: string): void {
    for (const [i, [start, end]] of delta.removed.entries()) {
      const index = this.regions.findIndex(({ vma }) => hex(vma.start) === start && hex(vma.end) === end);
      if (index < 0) throw new SnapshotError(`${where}: removed[${i}]: no region ${start}-${end} to remove`);
      const { status } = this.regions[index] as RegionPlacement;
      this.count(status, 0, status.length, -1);
      this.regions.splice(index, 1);
    }
    for (const [i, region] of delta.added.entries()) this.insert(region, `${where}: added[${i}]`);
    for (const [i, [index, page, runs]] of delta.changed.entries()) {
      const at = `${where}: changed[${i}]`;
      const region = this.regions[index];
      if (region === undefined) throw new SnapshotError(`${at}: there is no region ${index} (the poll has ${this.regions.length})`);
      const { status } = region;
      let end = page;
      for (const [pages] of runs) end += pages;
      if (runs.length === 0 || end > status.length) throw new SnapshotError(`${at}: pages ${page}-${end} are not inside region ${index}'s ${status.length} pages`);
      this.count(status, page, end, -1);
      let p = page;
      for (const [pages, value] of runs) {
        status.fill(value, p, p + pages);
        p += pages;
      }
      this.count(status, page, end, 1);
    }
  }

  private insert(region: AddedRegion, where: string): void {
    const start = parseHex(region.start, `${where}.start`);
    const end = parseHex(region.end, `${where}.end`);
    const size = BigInt(this.pageSize);
    if (end <= start || start % size !== 0n || end % size !== 0n) throw new SnapshotError(`${where}: ${region.start}-${region.end} is not a page-aligned range`);
    let index = 0;
    while (index < this.regions.length && (this.regions[index] as RegionPlacement).vma.start < start) index++;
    const before = this.regions[index - 1];
    const after = this.regions[index];
    if ((before !== undefined && before.vma.end > start) || (after !== undefined && after.vma.start < end)) {
      throw new SnapshotError(`${where}: ${region.start}-${region.end} overlaps a region already there`);
    }
    const pages = Number((end - start) / size);
    const status = decodeRuns(region.runs, pages, `${where}.runs`, Number((start / size) % BigInt(BLOCK_PAGES)));
    const vma: Vma = { start, end, perms: region.perms, offset: parseHex(region.offset, `${where}.offset`), dev: region.dev, inode: region.inode, path: region.path, ...describeMapping(region.path) };
    this.regions.splice(index, 0, { vma, status });
    this.count(status, 0, pages, 1);
  }

  private count(status: StatusStore, start: number, end: number, sign: 1 | -1): void {
    status.visitRuns(start, end, (s, e, value) => void this.counts.set(value, (this.counts.get(value) ?? 0) + sign * (e - s)));
  }
}

/** Whether a delta changes nothing. */
export function isEmptyDelta(delta: PollDelta): boolean {
  return delta.removed.length === 0 && delta.added.length === 0 && delta.changed.length === 0;
}
