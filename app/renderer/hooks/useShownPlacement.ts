/**
 * What the heatmaps show: the watched process's latest update, or a snapshot file opened
 * offline, as view data and a tile store. Each failure to build them is kept as a message.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { PlacementUpdate } from '../../common/ipc.js';
import type { PlacementSummary } from '../../common/placement-tiles.js';
import { buildViewData, type ViewData } from '../model/data.js';
import { errorText } from '../model/snapshot-file.js';
import { carriedFrom, fileTiles, liveTiles, type DecodedFile, type Shown } from '../model/sources.js';
import type { TileStore } from '../model/tiles.js';
import type { AppTransport } from '../transport/pick.js';

export interface ShownPlacement {
  shown: PlacementSummary | null;
  data: ViewData | null;
  tiles: TileStore | null;
  /** Why the placement cannot be shown, if it cannot. */
  errors: string[];
}

/** Exactly one of `file` and `update` is the source (the other is null); both null: nothing to show. */
export function useShownPlacement(file: DecodedFile | null, update: PlacementUpdate | null, transport: AppTransport | null): ShownPlacement {
  const shown = file !== null ? file.summary : (update?.placement ?? null);
  const built = useMemo((): { data: ViewData | null; error: string | null } => {
    if (shown === null) return { data: null, error: null };
    try {
      return { data: buildViewData(shown), error: null };
    } catch (error) {
      return { data: null, error: errorText(error) };
    }
  }, [shown]);
  const data = built.data;

  // One tile store per shown placement; a live one starts from the previous scan's window when the layout is unchanged.
  const previousShown = useRef<Shown | null>(null);
  const tiled = useMemo((): { tiles: TileStore | null; error: string | null } => {
    if (data === null) return { tiles: null, error: null };
    try {
      if (file !== null) return { tiles: fileTiles(file), error: null };
      if (update === null || transport === null) return { tiles: null, error: null };
      return { tiles: liveTiles(update, transport, carriedFrom(previousShown.current, update, data.layout)), error: null };
    } catch (error) {
      return { tiles: null, error: errorText(error) };
    }
  }, [data, file, update, transport]);
  const tiles = tiled.tiles;
  useEffect(() => {
    previousShown.current = data !== null && tiles !== null && file === null && update !== null ? { update, layout: data.layout, tiles } : null;
  }, [data, tiles, file, update]);

  const errors = [built.error, tiled.error].filter((e): e is string => e !== null);
  return { shown, data, tiles, errors };
}
