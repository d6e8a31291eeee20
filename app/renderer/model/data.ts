/**
 * A placement turned into what every view needs: the collapsed layout, per-region totals
 * (from the summary's per-status counts, so they cost per region rather than per page) and
 * the nodes that get a heatmap panel. Live placements and snapshot files opened offline
 * both arrive here as a PlacementSummary; where their pages are is in tiles (tiles.ts).
 */
import type { PlacementSummary, StatusCount } from '../../common/placement-tiles.js';
import type { Topology } from '../../common/types.js';
import { buildLayout, type Layout } from './layout.js';

export interface RegionSummary {
  pages: number;
  /** Pages with an errno status (not present, zero page, ...). */
  absent: number;
  /** Pages per node id, in node order. */
  byNode: Map<number, number>;
  /** Pages per errno status. */
  byStatus: Map<number, number>;
}

export interface ViewData {
  summary: PlacementSummary;
  topology: Topology;
  layout: Layout;
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

/** Totals of [pageCount, status] pairs: runs of a snapshot, or per-status counts of a summary. */
export function summarizeRuns(runs: readonly (readonly [number, number])[] | readonly StatusCount[]): RegionSummary {
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

export function panelNodesOf(summary: Pick<PlacementSummary, 'withMemory' | 'nodes'>, total: RegionSummary): number[] {
  const ids = new Set<number>(summary.withMemory.length > 0 ? summary.withMemory : summary.nodes.map((n) => n.id));
  for (const [node, pages] of total.byNode) if (pages > 0) ids.add(node);
  return [...ids].sort((a, b) => a - b);
}

export function topologyOf(summary: PlacementSummary): Topology {
  return {
    nodes: summary.nodes.map((n) => ({ ...n, cpus: [...n.cpus], distances: [...n.distances] })),
    withMemory: [...summary.withMemory],
    memoryTiers: summary.memoryTiers.map((t) => ({ id: t.id, nodes: [...t.nodes] })),
    pageSize: summary.pageSize,
    kernel: summary.kernel,
  };
}

/** The views' model of a placement summary. Throws when its regions overlap or are out of order. */
export function buildViewData(summary: PlacementSummary): ViewData {
  const layout = buildLayout(
    summary.vmas.map((v) => ({ start: BigInt(v.start), end: BigInt(v.end), name: v.name, path: v.path, perms: v.perms, kind: v.kind })),
    summary.pageSize,
  );
  if (layout.totalPages !== summary.totalPages) throw new Error(`the regions hold ${layout.totalPages} pages but the placement counts ${summary.totalPages}`);
  const summaries = summary.vmas.map((vma) => summarizeRuns(vma.counts));
  const total = emptySummary();
  for (const region of summaries) {
    total.pages += region.pages;
    total.absent += region.absent;
    for (const [node, pages] of region.byNode) add(total.byNode, node, pages);
    for (const [status, pages] of region.byStatus) add(total.byStatus, status, pages);
  }
  total.byNode = sortedMap(total.byNode);
  total.byStatus = sortedMap(total.byStatus);
  return { summary, topology: topologyOf(summary), layout, summaries, total, panelNodes: panelNodesOf(summary, total) };
}
