/**
 * The collapsed address space the heatmaps draw: a process's regions laid end to end, gaps
 * removed, so a few GiB of mappings spread over 128 TiB of address space fill the width.
 *
 * Positions in it are "layout pages": region i occupies [offset_i, offset_i + pages_i).
 * Only whole pages have addresses; fractional positions come from zooming and are floored
 * to the page they fall in. Bigint arithmetic happens per region, never per page.
 */
import { hex } from '../../common/address.js';
import type { VmaKind } from '../../common/types.js';

export interface LayoutRegion {
  /** Index in the snapshot's vmas (and in the statuses list). */
  index: number;
  start: bigint;
  end: bigint;
  pages: number;
  /** First layout page of the region. */
  offset: number;
  name: string;
  path: string;
  perms: string;
  kind: VmaKind;
}

export interface Layout {
  pageSize: number;
  regions: LayoutRegion[];
  totalPages: number;
}

export interface LayoutInput {
  start: bigint;
  end: bigint;
  name: string;
  path: string;
  perms: string;
  kind: VmaKind;
}

/** Regions must be sorted and disjoint, as /proc/PID/maps and snapshot files list them. */
export function buildLayout(vmas: readonly LayoutInput[], pageSize: number): Layout {
  const size = BigInt(pageSize);
  let offset = 0;
  let previousEnd = -1n;
  const regions = vmas.map((vma, index): LayoutRegion => {
    if (vma.start < previousEnd) throw new Error(`region ${index} (${hex(vma.start)}) overlaps or precedes the one before it`);
    previousEnd = vma.end;
    const pages = vma.end > vma.start ? Number((vma.end - vma.start) / size) : 0;
    const region: LayoutRegion = { index, start: vma.start, end: vma.end, pages, offset, name: vma.name, path: vma.path, perms: vma.perms, kind: vma.kind };
    offset += pages;
    return region;
  });
  return { pageSize, regions, totalPages: offset };
}

/** Index (into layout.regions) of the region holding layout page `page`, or -1 outside the layout. */
export function regionIndexAtPage(layout: Layout, page: number): number {
  const { regions } = layout;
  if (!(page >= 0 && page < layout.totalPages)) return -1;
  let lo = 0;
  let hi = regions.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((regions[mid] as LayoutRegion).offset <= page) lo = mid;
    else hi = mid - 1;
  }
  // Empty regions share their offset with the next one; the page belongs to the non-empty one.
  while (lo < regions.length - 1 && (regions[lo] as LayoutRegion).pages === 0) lo++;
  return lo;
}

export interface PageLocation {
  region: LayoutRegion;
  /** Page index within the region. */
  pageInRegion: number;
  /** Start address of the page. */
  address: bigint;
}

/** The page at layout position `position` (floored), or null outside the layout. */
export function locatePage(layout: Layout, position: number): PageLocation | null {
  const page = Math.floor(position);
  const index = regionIndexAtPage(layout, page);
  if (index < 0) return null;
  const region = layout.regions[index] as LayoutRegion;
  const pageInRegion = page - region.offset;
  return { region, pageInRegion, address: region.start + BigInt(pageInRegion) * BigInt(layout.pageSize) };
}

export interface AddressPosition {
  /** Layout page of the page holding the address (for an unmapped address: the next mapped page, or totalPages). */
  page: number;
  /** Whether the address is inside a region; unmapped addresses collapse onto the gap's edge. */
  mapped: boolean;
  /** Offset of the address within its page, as a fraction (0 for unmapped addresses). */
  fraction: number;
}

/** Where an address falls in the layout. Gaps have no width, so every unmapped address of one gap maps to the same position. */
export function positionOfAddress(layout: Layout, address: bigint): AddressPosition {
  const { regions } = layout;
  let lo = 0;
  let hi = regions.length;
  // First region whose end is above the address.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((regions[mid] as LayoutRegion).end <= address) lo = mid + 1;
    else hi = mid;
  }
  const region = regions[lo];
  if (region === undefined) return { page: layout.totalPages, mapped: false, fraction: 0 };
  if (address < region.start) return { page: region.offset, mapped: false, fraction: 0 };
  const size = BigInt(layout.pageSize);
  const delta = address - region.start;
  return { page: region.offset + Number(delta / size), mapped: true, fraction: Number(delta % size) / layout.pageSize };
}

/** Start address of the layout page `page` (an integer inside the layout). */
export function addressOfPage(layout: Layout, page: number): bigint | null {
  return locatePage(layout, page)?.address ?? null;
}

/** Layout pages where regions begin (the separators the heatmaps draw), between `from` and `to`. */
export function boundariesBetween(layout: Layout, from: number, to: number): number[] {
  const out: number[] = [];
  let previous = -1;
  for (const region of layout.regions) {
    if (region.offset <= from || region.pages === 0) continue;
    if (region.offset >= to) break;
    if (region.offset !== previous) out.push(region.offset);
    previous = region.offset;
  }
  return out;
}

/** Regions overlapping layout pages [from, to), as indices into layout.regions. */
export function regionsBetween(layout: Layout, from: number, to: number): number[] {
  const out: number[] = [];
  const first = Math.max(0, regionIndexAtPage(layout, Math.max(0, Math.floor(from))));
  for (let i = first; i < layout.regions.length; i++) {
    const region = layout.regions[i] as LayoutRegion;
    if (region.offset >= to) break;
    if (region.pages > 0 && region.offset + region.pages > from) out.push(i);
  }
  return out;
}

/**
 * The layout with only the regions `keep` accepts, laid end to end again. Each region keeps
 * its `index` (its place among the snapshot's vmas), so per-region summaries still apply.
 */
export function filterLayout(layout: Layout, keep: (region: LayoutRegion) => boolean): Layout {
  let offset = 0;
  const regions: LayoutRegion[] = [];
  for (const region of layout.regions) {
    if (!keep(region)) continue;
    regions.push({ ...region, offset });
    offset += region.pages;
  }
  return { pageSize: layout.pageSize, regions, totalPages: offset };
}

/** The region whose `index` (vma index) is `index`, or undefined when the layout left it out. */
export function regionByIndex(layout: Layout, index: number): LayoutRegion | undefined {
  const { regions } = layout;
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const region = regions[mid] as LayoutRegion;
    if (region.index === index) return region;
    if (region.index < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The region holding `address`, or undefined when no region maps it. */
export function regionAtAddress(layout: Layout, address: bigint): LayoutRegion | undefined {
  const position = positionOfAddress(layout, address);
  if (!position.mapped) return undefined;
  const index = regionIndexAtPage(layout, position.page);
  return index < 0 ? undefined : layout.regions[index];
}
