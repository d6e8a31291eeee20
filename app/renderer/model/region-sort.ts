/**
 * The region table's order: by a column, ascending or descending, ties kept in address
 * order. Pure, so the order is tested without a browser.
 */
import type { RegionSummary } from './data.js';
import type { LayoutRegion } from './layout.js';

/** A column to sort by; `node` sorts by the pages the region has on that node. */
export type SortColumn = { by: 'start' | 'name' | 'size' | 'present' | 'changed' | 'heat' | 'locality' } | { by: 'node'; node: number };

export type SortDirection = 'ascending' | 'descending';

export interface RegionSort {
  column: SortColumn;
  direction: SortDirection;
}

export function sameColumn(a: SortColumn, b: SortColumn): boolean {
  return a.by === b.by && (a.by !== 'node' || (b.by === 'node' && a.node === b.node));
}

/** A click on a column's header: the same column flips; another starts ascending for text and address, descending for amounts. */
export function nextSort(current: RegionSort | null, column: SortColumn): RegionSort {
  if (current !== null && sameColumn(current.column, column)) return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { column, direction: column.by === 'start' || column.by === 'name' ? 'ascending' : 'descending' };
}

export interface SortInputs {
  summaries: readonly (RegionSummary | undefined)[];
  /** Pages changed per region index, when changes are shown. */
  changed: ReadonlyMap<number, number> | null;
  /** Heat of each region's present pages (model/heat.ts), when a measurement is shown. */
  heat?: ReadonlyMap<number, number> | null;
  /** Locality per region from the measurement's report; null where it has no present pages. */
  locality?: ReadonlyMap<number, number | null> | null;
}

function keyOf(column: SortColumn, region: LayoutRegion, { summaries, changed, heat, locality }: SortInputs): number | string {
  const summary = summaries[region.index];
  switch (column.by) {
    case 'start':
      return 0; // Ties fall through to the address order below.
    case 'name':
      return region.name;
    case 'size':
      return region.pages;
    case 'present': {
      const pages = summary?.pages ?? region.pages;
      return pages === 0 ? 0 : (pages - (summary?.absent ?? 0)) / pages;
    }
    case 'changed':
      return changed?.get(region.index) ?? 0;
    case 'node':
      return summary?.byNode.get(column.node) ?? 0;
    case 'heat':
      return heat?.get(region.index) ?? 0;
    case 'locality':
      // Unknown below every figure, so it sorts last when the best come first.
      return locality?.get(region.index) ?? -1;
  }
}

/** The regions in the order asked for; a new array, the input untouched. */
export function sortRegions(regions: readonly LayoutRegion[], sort: RegionSort | null, inputs: SortInputs): LayoutRegion[] {
  if (sort === null) return [...regions];
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const keyed = regions.map((region) => ({ region, key: keyOf(sort.column, region, inputs) }));
  keyed.sort((a, b) => {
    const order = typeof a.key === 'string' && typeof b.key === 'string' ? a.key.localeCompare(b.key) : (a.key as number) - (b.key as number);
    if (order !== 0) return sign * order;
    const byAddress = a.region.start < b.region.start ? -1 : a.region.start > b.region.start ? 1 : 0;
    return sort.column.by === 'start' ? sign * byAddress : byAddress;
  });
  return keyed.map((k) => k.region);
}
