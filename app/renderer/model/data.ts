/**
 * A snapshot file turned into what every view needs: the decoded statuses, the collapsed
 * layout, per-region totals (from the runs, so they cost per run rather than per page) and
 * the nodes that get a heatmap panel.
 */
import { decodePlacement } from '../../common/snapshot/codec.js';
import type { SnapshotFile } from '../../common/snapshot/schema.js';
import type { Topology } from '../../common/types.js';
import type { PlacementData } from './bins.js';
import { buildLayout } from './layout.js';

export interface RegionSummary {
  pages: number;
  /** Pages with an errno status (not present, zero page, ...). */
  absent: number;
  /** Pages per node id, in node order. */
  byNode: Map<number, number>;
  /** Pages per errno status. */
  byStatus: Map<number, number>;
}

export interface ViewData extends PlacementData {
  file: SnapshotFile;
  topology: Topology;
  summaries: RegionSummary[];
  /** Whole-process totals. */
  total: RegionSummary;
  /** Nodes with a heatmap panel: nodes with memory, plus any node that holds pages of the process. */
  panelNodes: number[];
}

function emptySummary(): RegionSummary {
  return { pages: 0, absent: 0, byNode: new Map(), byStatus: new Map() };
}

function add(map: Map<number, number>, key: number, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function sortedMap(map: Map<number, number>): Map<number, number> {
  return new Map([...map].sort((a, b) => a[0] - b[0]));
}

export function summarizeRuns(runs: readonly (readonly [number, number])[]): RegionSummary {
  const summary = emptySummary();
  for (const [count, status] of runs) {
    summary.pages += count;
    if (status < 0) {
      summary.absent += count;
      add(summary.byStatus, status, count);
    } else add(summary.byNode, status, count);
  }
  summary.byNode = sortedMap(summary.byNode);
  summary.byStatus = sortedMap(summary.byStatus);
  return summary;
}

export function panelNodesOf(file: SnapshotFile, total: RegionSummary): number[] {
  const ids = new Set<number>(file.withMemory.length > 0 ? file.withMemory : file.nodes.map((n) => n.id));
  for (const [node, pages] of total.byNode) if (pages > 0) ids.add(node);
  return [...ids].sort((a, b) => a - b);
}

/** Decodes a (validated) snapshot for drawing. Throws SnapshotError for files over the page limit. */
export function buildViewData(file: SnapshotFile): ViewData {
  const { placement, topology } = decodePlacement(file);
  const layout = buildLayout(
    placement.regions.map((r) => r.vma),
    placement.pageSize,
  );
  const summaries = file.vmas.map((vma) => summarizeRuns(vma.runs));
  const total = emptySummary();
  for (const summary of summaries) {
    total.pages += summary.pages;
    total.absent += summary.absent;
    for (const [node, pages] of summary.byNode) add(total.byNode, node, pages);
    for (const [status, pages] of summary.byStatus) add(total.byStatus, status, pages);
  }
  total.byNode = sortedMap(total.byNode);
  total.byStatus = sortedMap(total.byStatus);
  return {
    file,
    topology,
    layout,
    statuses: placement.regions.map((r) => r.status),
    summaries,
    total,
    panelNodes: panelNodesOf(file, total),
  };
}
