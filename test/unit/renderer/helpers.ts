/** Hand-made placements for the renderer's model tests. */
import { encodeSnapshot } from '../../../app/common/snapshot/codec.js';
import { BLOCK_PAGES, StatusStore } from '../../../app/common/status-store.js';
import type { SnapshotFile } from '../../../app/common/snapshot/schema.js';
import type { Placement, RegionPlacement, Topology, VmaKind } from '../../../app/common/types.js';
import type { PlacementData } from '../../../app/renderer/model/bins.js';
import { buildLayout } from '../../../app/renderer/model/layout.js';
import { decodeTile, type Tile } from '../../../app/renderer/model/tiles.js';
import { statusColumns, tileOf, type StatusColumns } from '../../../app/common/placement-tiles.js';
export { random } from '../../helpers/random.js';

export const PAGE = 4096;

export interface RegionSpec {
  start: bigint;
  status: number[] | Int16Array;
  name?: string;
  kind?: VmaKind;
}

export function regionPlacement(spec: RegionSpec): RegionPlacement {
  const status = StatusStore.of(spec.status, Number((spec.start / BigInt(PAGE)) % BigInt(BLOCK_PAGES)));
  const name = spec.name ?? 'anonymous';
  return {
    vma: {
      start: spec.start,
      end: spec.start + BigInt(status.length * PAGE),
      perms: 'rw-p',
      offset: 0n,
      dev: '00:00',
      inode: 0,
      path: name === 'anonymous' ? '' : name,
      name,
      kind: spec.kind ?? 'anon',
    },
    status,
  };
}

export function placement(specs: RegionSpec[]): Placement {
  return {
    identity: { pid: 4242, comm: 'target', cmdline: ['target'], startTime: 1234 },
    pageSize: PAGE,
    takenAt: Date.UTC(2025, 0, 31, 12, 0, 0),
    regions: specs.map(regionPlacement),
  };
}

/** Per-page statuses of a placement, laid end to end as the tiles see them. */
export function columnsOf(p: Placement): StatusColumns {
  return statusColumns(p.regions.map((r) => r.status));
}

/** The whole placement as one exact (run) tile, as an offline view of a small file has it. */
export function exactTile(columns: StatusColumns): Tile {
  return decodeTile(tileOf(columns, { from: 0, to: columns.totalPages, pagesPerBin: 1 }, Number.POSITIVE_INFINITY));
}

export function data(specs: RegionSpec[]): PlacementData {
  const p = placement(specs);
  return { layout: buildLayout(p.regions.map((r) => r.vma), PAGE), tile: exactTile(columnsOf(p)) };
}

export function topology(nodes = [0, 1, 2]): Topology {
  return {
    nodes: nodes.map((id) => ({
      id,
      cpus: id === 2 ? [] : [id * 2, id * 2 + 1],
      memTotal: 8 * 2 ** 30,
      memFree: 4 * 2 ** 30,
      distances: nodes.map((other) => (other === id ? 10 : 21)),
      cpuless: id === 2,
      memoryTier: null,
    })),
    withMemory: nodes,
    memoryTiers: [],
    pageSize: PAGE,
    kernel: '6.18.0-test',
  };
}

export function snapshot(specs: RegionSpec[], nodes = [0, 1, 2], takenAt?: number): SnapshotFile {
  const p = placement(specs);
  return encodeSnapshot({ placement: takenAt === undefined ? p : { ...p, takenAt }, topology: topology(nodes) });
}

/** Two snapshots of one two-region process, before and after three pages changed node (0 -> 1 twice, 0 -> 2). */
export function changedPair(): { before: SnapshotFile; after: SnapshotFile } {
  return {
    before: snapshot([
      { start: 0x10000n, status: [0, 0, 0, 0] },
      { start: 0x50000n, status: [0, 0] },
    ]),
    after: snapshot([
      { start: 0x10000n, status: [0, 1, 1, 0] },
      { start: 0x50000n, status: [0, 2] },
    ]),
  };
}
