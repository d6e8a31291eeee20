/**
 * Where a shown placement's tiles come from. Live: the overview of each update, and windows
 * asked of the main process or serve-mode server ('placement:window'). A snapshot file
 * opened offline: decoded once here, and the overview and windows computed in the page with
 * the very code the main process uses (app/common/placement-tiles.ts), so both look alike.
 */
import type { PlacementUpdate, Transport } from '../../common/ipc.js';
import { overviewOf, statusColumns, summarizeSnapshot, tileOf, type PlacementSummary, type StatusColumns } from '../../common/placement-tiles.js';
import { decodePlacement } from '../../common/snapshot/codec.js';
import type { SnapshotFile } from '../../common/snapshot/schema.js';
import { measure, WINDOW_ROUND_TRIP } from '../heatmap/marks.js';
import type { Layout } from './layout.js';
import { decodeTile, TileStore, type Carried, type Tile } from './tiles.js';

export interface DecodedFile {
  snapshot: SnapshotFile;
  summary: PlacementSummary;
  columns: StatusColumns;
}

/** Decodes a (validated) snapshot for drawing. Throws SnapshotError for files over the page limit. */
export function decodeFile(snapshot: SnapshotFile): DecodedFile {
  const { placement } = decodePlacement(snapshot);
  return { snapshot, summary: summarizeSnapshot(snapshot), columns: statusColumns(placement.regions.map((r) => r.status)) };
}

export function fileTiles(file: DecodedFile): TileStore {
  return new TileStore(file.columns.totalPages, decodeTile(overviewOf(file.columns)), (request) => decodeTile(tileOf(file.columns, request)));
}

/** Tiles of one live update, starting from what the previous scan's store had (see TileStore). */
export function liveTiles(update: PlacementUpdate, transport: Pick<Transport, 'request'>, carried: Carried): TileStore {
  const load = async (request: { from: number; to: number; pagesPerBin: number }): Promise<Tile | null> => {
    const asked = performance.now();
    const result = await transport.request('placement:window', request);
    measure(WINDOW_ROUND_TRIP, asked, performance.now(), request);
    // A newer scan answered: its layout may differ, and its update is on the way with a store of its own.
    if (!result.ok || result.value.sequence !== update.sequence) return null;
    return decodeTile(result.value.tile);
  };
  return new TileStore(update.placement.totalPages, decodeTile(update.overview), load, carried);
}

export interface Shown {
  update: PlacementUpdate;
  layout: Layout;
  tiles: TileStore;
}

/**
 * What the store for `update` can start from, given the previous update shown. The previous
 * window is exact for this scan too when this scan comes right after it and changed no page
 * (ChangeLog counts every page whose status changed, so zero means none), on the same layout.
 */
export function carriedFrom(previous: Shown | null, update: PlacementUpdate, layout: Layout): Carried {
  if (previous === null || !sameLayout(previous.layout, layout)) return {};
  const [a, b] = [previous.update.placement.process, update.placement.process];
  if (a.pid !== b.pid || a.startTime !== b.startTime) return {};
  const quiet = previous.update.sequence === update.sequence - 1 && update.changes !== null && update.changes.total === 0;
  if (quiet && previous.tiles.current !== null) {
    // Every window held stays exact, so a pan back to where an older one reaches is sharp after the poll too.
    const older = previous.tiles.older;
    return older.length > 0 ? { current: previous.tiles.current, older } : { current: previous.tiles.current };
  }
  return { stale: previous.tiles.finest };
}

/** Same regions at the same layout offsets: a tile of one placement is positioned right in the other. */
export function sameLayout(a: Layout, b: Layout): boolean {
  if (a.totalPages !== b.totalPages || a.regions.length !== b.regions.length || a.pageSize !== b.pageSize) return false;
  return a.regions.every((region, i) => {
    const other = b.regions[i];
    return other !== undefined && other.start === region.start && other.end === region.end;
  });
}
