/** Whether regions with no page present are hidden, and the data and tiles the views then draw (model/hidden-regions.ts). */
import { useMemo, useState } from 'react';
import type { ViewData } from '../model/data.js';
import { withoutEmptyRegions } from '../model/hidden-regions.js';
import type { TileStore } from '../model/tiles.js';

export interface ShownRegions {
  data: ViewData | null;
  tiles: TileStore | null;
  hideEmpty: boolean;
  setHideEmpty(hide: boolean): void;
}

export function useShownRegions(placed: ViewData | null, placedTiles: TileStore | null): ShownRegions {
  const [hideEmpty, setHideEmpty] = useState(false);
  const shown = useMemo(
    () => (placed === null || placedTiles === null || !hideEmpty ? { data: placed, tiles: placedTiles } : withoutEmptyRegions(placed, placedTiles)),
    [placed, placedTiles, hideEmpty],
  );
  return { ...shown, hideEmpty, setHideEmpty };
}
