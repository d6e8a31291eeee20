/** The tooltip under the pointer: what the bin at that x holds, read from the tile last drawn. */
import { useState, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import { finestCovering, type PlacementData } from '../model/bins.js';
import { describeBinAt, hoverText } from '../model/hover.js';
import type { Layout } from '../model/layout.js';
import type { Tile, TileStore } from '../model/tiles.js';
import { binRange, type View } from '../model/view.js';

export interface Hover {
  /** The node panel under the pointer; null over the single strip. */
  node: number | null;
  clientX: number;
  clientY: number;
  lines: string[];
}

export function useHeatmapHover(
  layout: Layout,
  tiles: TileStore,
  view: View,
  drawnLayers: RefObject<readonly Tile[]>,
): { hover: Hover | null; follow(event: ReactPointerEvent<HTMLElement>, node: number | null): void; clear(): void } {
  const [hover, setHover] = useState<Hover | null>(null);
  const follow = (event: ReactPointerEvent<HTMLElement>, node: number | null): void => {
    const x = event.clientX - event.currentTarget.getBoundingClientRect().left;
    // The finest tile drawn that holds the hovered bin's pages: the one its column was drawn from.
    const [from, to] = binRange(view, x);
    const source: PlacementData = { layout, tile: finestCovering(drawnLayers.current, from, to) ?? tiles.overview };
    const info = describeBinAt(source, view, x);
    if (info === null) setHover(null);
    else setHover({ node, clientX: event.clientX, clientY: event.clientY, lines: hoverText(info, layout.pageSize, node) });
  };
  const clear = (): void => setHover(null);
  return { hover, follow, clear };
}
