/**
 * The placement side of the contract for one watched process: turns each scan into a
 * `placement:update` (regions, totals, overview tile), and answers `placement:window` and
 * `placement:snapshot` from that same scan, so whatever the renderer asks for between two
 * updates agrees with the update it is drawing.
 *
 * The sampler rescans into its arrays in place, so each published scan is copied into
 * buffers of our own (2 bytes a page, reused from scan to scan while the regions keep their
 * sizes): a window request that arrives during the next rescan still reads the scan its
 * sequence names. The previous scan's copy is kept too: the changes since it are the
 * snapshot diff of the two (exact counts, the same computation as comparing two files).
 */
import type { PlacementSnapshot, PlacementUpdate, PlacementWindow, WindowRequest, WireChanges } from '../../common/ipc.js';
import { digest, statusColumns, summarizePlacement, tileOf, type StatusColumns } from '../../common/placement-tiles.js';
import { encodeSnapshot, type SnapshotTool } from '../../common/snapshot/index.js';
import { diffPlacements } from '../../common/snapshot/diff.js';
import type { Placement, Topology } from '../../common/types.js';
import { changesToWire } from './wire.js';

export interface PublishInput {
  placement: Placement;
  sequence: number;
  scanMs: number;
}

interface Frozen {
  sequence: number;
  placement: Placement;
  topology: Topology;
  columns: StatusColumns;
}

function freeze(placement: Placement, spares: Placement | null): Placement {
  const spare = new Map<number, Int16Array[]>();
  for (const region of spares?.regions ?? []) {
    const list = spare.get(region.status.length) ?? [];
    list.push(region.status);
    spare.set(region.status.length, list);
  }
  return {
    identity: { ...placement.identity, cmdline: [...placement.identity.cmdline] },
    pageSize: placement.pageSize,
    takenAt: placement.takenAt,
    regions: placement.regions.map(({ vma, status }) => {
      const reused = spare.get(status.length)?.pop();
      const copy = reused ?? new Int16Array(status.length);
      copy.set(status);
      return { vma: { ...vma }, status: copy };
    }),
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
    const previous = this.frozen?.placement ?? null;
    const placement = freeze(input.placement, this.spares);
    this.spares = previous;
    const changes: WireChanges | null = previous === null || previous.pageSize !== placement.pageSize ? null : changesToWire(diffPlacements(previous, placement));
    const columns = statusColumns(placement.regions.map((r) => r.status));
    const { counts, overview } = digest(columns);
    const update: PlacementUpdate = {
      sequence: input.sequence,
      placement: summarizePlacement(placement, topology, this.tool, counts),
      overview,
      changes,
      scanMs: input.scanMs,
    };
    this.frozen = { sequence: input.sequence, placement, topology, columns };
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
