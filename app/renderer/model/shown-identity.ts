/** Whether two placements are of the same process, or laid out over the same regions. */
import type { PlacementSummary } from '../../common/placement-tiles.js';
import type { SnapshotFile } from '../../common/snapshot/schema.js';

/** Same pid and start time: the same process, not a later one that reuses the pid. */
export function sameProcess(a: PlacementSummary, b: PlacementSummary): boolean {
  return a.process.pid === b.process.pid && a.process.startTime === b.process.startTime;
}

/** Same regions in both (the layout of a fetched snapshot still matches the update shown). */
export function sameRegions(a: Pick<PlacementSummary, 'vmas'>, b: Pick<SnapshotFile, 'vmas'>): boolean {
  return a.vmas.length === b.vmas.length && a.vmas.every((v, i) => v.start === b.vmas[i]?.start && v.end === b.vmas[i]?.end);
}
