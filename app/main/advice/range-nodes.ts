/**
 * Where the pages of each heat range are: present pages per node inside the range, read from
 * a placement (one walk over both lists, in address order; runs of pages, not pages).
 */
import type { HeatRange } from '../../common/heat.js';
import type { Placement } from '../../common/types.js';
import type { RangeNodes } from './advise.js';

export function rangeNodes(placement: Placement, ranges: readonly HeatRange[]): RangeNodes[] {
  const pageSize = BigInt(placement.pageSize);
  const regions = [...placement.regions].sort((a, b) => (a.vma.start < b.vma.start ? -1 : 1));
  const out: RangeNodes[] = [];
  let r = 0;
  for (const range of ranges) {
    const pagesByNode = new Map<number, number>();
    while (r < regions.length && (regions[r] as (typeof regions)[number]).vma.end <= range.start) r++;
    for (let i = r; i < regions.length; i++) {
      const region = regions[i] as (typeof regions)[number];
      if (region.vma.start >= range.end) break;
      const from = Number(((range.start > region.vma.start ? range.start : region.vma.start) - region.vma.start) / pageSize);
      const to = Number(((range.end < region.vma.end ? range.end : region.vma.end) - region.vma.start + pageSize - 1n) / pageSize);
      region.status.visitRuns(from, to, (start, end, status) => void (status >= 0 && pagesByNode.set(status, (pagesByNode.get(status) ?? 0) + end - start)));
    }
    out.push({ start: range.start, end: range.end, heat: range.heat, age: range.age, pagesByNode });
  }
  return out;
}

/** Present pages per node of the whole placement. */
export function placementNodes(placement: Placement): Map<number, number> {
  const pages = new Map<number, number>();
  for (const region of placement.regions) {
    region.status.visitRuns(0, region.status.length, (start, end, status) => void (status >= 0 && pages.set(status, (pages.get(status) ?? 0) + end - start)));
  }
  return pages;
}
