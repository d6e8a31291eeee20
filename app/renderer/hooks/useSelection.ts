/**
 * The pages selected, by a brush on one node's heatmap or by regions picked in the table,
 * and the zoom request that picking a region makes.
 */
import { useCallback, useState } from 'react';
import type { ViewData } from '../model/data.js';
import { regionByIndex } from '../model/layout.js';
import { regionRanges, type AddressRange } from '../model/selection.js';
import type { FocusRequest } from './useHeatmapZoom.js';
import { useLatest } from './useLatest.js';

export interface Selection {
  ranges: AddressRange[];
  /** The node panel it was brushed on, if any. */
  node: number | null;
  /** Regions picked in the table (empty for a brushed range). */
  regions: ReadonlySet<number>;
}

export interface Selecting {
  selection: Selection | null;
  focus: FocusRequest | null;
  /** Stable, for the heatmaps. */
  selectFromHeatmap(ranges: AddressRange[] | null, node: number | null): void;
  /** Stable, for the region table's memoized rows: a click picks one region (and zooms onto it), ctrl/shift adds or removes one. */
  selectRegion(index: number, additive: boolean): void;
  clear(): void;
}

export function useSelection(data: ViewData | null): Selecting {
  const [selection, setSelection] = useState<Selection | null>(null);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const latestData = useLatest(data);

  const selectFromHeatmap = useCallback((ranges: AddressRange[] | null, node: number | null) => {
    setSelection(ranges === null || ranges.length === 0 ? null : { ranges, node, regions: new Set() });
  }, []);

  const selectRegion = useCallback(
    (index: number, additive: boolean) => {
      const current = latestData.current;
      if (current === null) return;
      setSelection((previous) => {
        const regions = new Set(additive && previous !== null ? previous.regions : []);
        if (additive && regions.has(index)) regions.delete(index);
        else regions.add(index);
        if (regions.size === 0) return null;
        return { ranges: regionRanges(current.layout, [...regions]), node: null, regions };
      });
      if (!additive) {
        const region = regionByIndex(current.layout, index);
        if (region !== undefined) setFocus((f) => ({ from: region.offset, to: region.offset + Math.max(region.pages, 1), seq: (f?.seq ?? 0) + 1 }));
      }
    },
    [latestData],
  );

  const clear = useCallback(() => setSelection(null), []);
  return { selection, focus, selectFromHeatmap, selectRegion, clear };
}
