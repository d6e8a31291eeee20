/**
 * The placement side of the contract for one watched process: turns each scan into a
 * `placement:update` (regions, totals, overview tile), and answers `placement:window` and
 * `placement:snapshot` from that same scan, so whatever the renderer asks for between two
 * updates agrees with the update it is drawing.
 *
 * The sampler rescans into its stores in place, so each published scan is copied into
 * stores of our own (what the sampler holds: one status per block of pages that agree, and
 * the blocks whose pages differ, their arrays reused from scan to scan): a window request
 * that arrives during the next rescan still reads the scan its sequence names. The previous
 * scan's copy is kept too: the changes since it are the snapshot diff of the two (exact
 * counts, the same computation as comparing two files).
 */
import type { PlacementSnapshot, PlacementUpdate, PlacementWindow, PollLocalityWire, WindowRequest, WireChanges } from '../../common/ipc.js';
import { digest, statusColumns, summarizePlacement, tileOf, type Digest, type StatusColumns } from '../../common/placement-tiles.js';
import { encodeSnapshot, type SnapshotTool } from '../../common/snapshot/index.js';
import { diffPlacements } from '../../common/snapshot/diff.js';
import type { Placement, Topology } from '../../common/types.js';
import { changesToWire } from './wire.js';

export interface PublishInput {
  placement: Placement;
  sequence: number;
  scanMs: number;
  /** The sampler's word that no page changed status since the previous scan (its change log counted none). */
  unchanged?: boolean;
  /** The poll's locality from its pages per node (the caller holds the threads' CPU time); left out: null. */
  locality?: (pagesByNode: Readonly<Record<string, number>>) => PollLocalityWire | null;
}

interface Frozen {
  sequence: number;
  placement: Placement;
  topology: Topology;
  columns: StatusColumns;
  counts: Digest['counts'];
}

const NO_CHANGES: WireChanges = { total: 0, summary: [], ranges: [], rangesTotal: 0, newPages: 0, gonePages: 0 };

/** The same regions with the same bounds, in the same order. */
function sameRegions(a: Placement, b: Placement): boolean {
  return a.regions.length === b.regions.length && a.regions.every((r, i) => r.vma.start === b.regions[i]?.vma.start && r.vma.end === b.regions[i]?.vma.end);
}

function freeze(placement: Placement, spares: Placement | null): Placement {
  const spare: Int16Array[] = [];
  for (const region of spares?.regions ?? []) spare.push(...region.status.heldArrays());
  return {
    identity: { ...placement.identity, cmdline: [...placement.identity.cmdline] },
    pageSize: placement.pageSize,
    takenAt: placement.takenAt,
    regions: placement.regions.map(({ vma, status }) => ({ vma: { ...vma }, status: status.copy(spare) })),
  };
}

export class PlacementFeed {
  private frozen: Frozen | null = null;
  /** The scan before `frozen`, whose buffers the next copy reuses once the diff is done. */
  private spares: Placement | null = null;
  private latestUpdate: PlacementUpdate | null = null;

  constructor(private readonly tool: SnapshotTool | null) {}

  /** Must run synchronously inside the sampler's update callback (see the file comment). */
  publish(input: PublishInput, topology: Topology): PlacementUpdate {
    if (topology.pageSize !== input.placement.pageSize) {
      throw new Error(`the placement uses ${input.placement.pageSize}-byte pages but the topology says ${topology.pageSize}`);
    }
    const previous = this.frozen;
    const latest = this.latestUpdate;
    // A poll that changed no page (the change log counts every one) and no region: the
    // copies, counts and overview of the last scan are exact for this one, so no per-page work.
    if (previous !== null && latest !== null && input.unchanged === true && sameRegions(previous.placement, input.placement)) {
      const placement = { ...previous.placement, takenAt: input.placement.takenAt };
      const summary = summarizePlacement(placement, topology, this.tool, previous.counts);
      const update: PlacementUpdate = {
        sequence: input.sequence,
        placement: summary,
        overview: latest.overview,
        changes: NO_CHANGES,
        scanMs: input.scanMs,
        locality: input.locality?.(summary.totals.byNode) ?? null,
      };
      this.frozen = { ...previous, sequence: input.sequence, placement, topology };
      this.latestUpdate = update;
      return update;
    }
    const before = previous?.placement ?? null;
    const placement = freeze(input.placement, this.spares);
    this.spares = before;
    const changes: WireChanges | null = before === null || before.pageSize !== placement.pageSize ? null : changesToWire(diffPlacements(before, placement));
    const columns = statusColumns(placement.regions.map((r) => r.status));
    const { counts, overview } = digest(columns);
    const summary = summarizePlacement(placement, topology, this.tool, counts);
    const update: PlacementUpdate = {
      sequence: input.sequence,
      placement: summary,
      overview,
      changes,
      scanMs: input.scanMs,
      locality: input.locality?.(summary.totals.byNode) ?? null,
    };
    this.frozen = { sequence: input.sequence, placement, topology, columns, counts };
    this.latestUpdate = update;
    return update;
  }

  get latest(): PlacementUpdate | null {
    return this.latestUpdate;
  }

  /** Null before the first scan. */
  window(request: WindowRequest): PlacementWindow | null {
    const frozen = this.frozen;
    if (frozen === null) return null;
    return { sequence: frozen.sequence, tile: tileOf(frozen.columns, request) };
  }

  /** Null before the first scan. Throws SnapshotError if the scan cannot be encoded. */
  snapshot(): PlacementSnapshot | null {
    const frozen = this.frozen;
    if (frozen === null) return null;
    return { sequence: frozen.sequence, snapshot: encodeSnapshot({ placement: frozen.placement, topology: frozen.topology, tool: this.tool }) };
  }
}
