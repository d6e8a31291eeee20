/**
 * What to move, from three facts per address range: where its pages are (move_pages), how
 * hot it is (DAMON or soft-dirty), and from which nodes the process's CPU time comes.
 *
 * - Promote: hot pages on a node none of the busy threads run on, to the node nearest (by
 *   the firmware's distance table) to the busiest threads' node that the process's cpuset
 *   allows and that has room to spare (MemFree).
 * - Demote (tiered memory): cold pages on a node with CPUs while a CPU-less node, a slower
 *   tier, has room. Only when the heat source sees reads: soft-dirty sees writes only, and a
 *   page read in a loop would look cold to it.
 *
 * Pure: everything it needs is passed in, so the rules are tested without a machine.
 */
import type { HeatSourceKind } from '../../common/heat.js';
import type { NumaNode } from '../../common/types.js';

export interface RangeNodes {
  start: bigint;
  end: bigint;
  heat: number;
  /** DAMON's age in aggregation intervals; null for soft-dirty. */
  age: number | null;
  /** Present pages per node inside [start, end). */
  pagesByNode: ReadonlyMap<number, number>;
}

export interface AdviceInput {
  pageSize: number;
  source: HeatSourceKind;
  /** Address order. */
  ranges: readonly RangeNodes[];
  /** CPU weight per node (locality.ts nodeWeights). */
  weights: ReadonlyMap<number, number>;
  nodes: readonly NumaNode[];
  /** Nodes the process's cpuset allows (Mems_allowed_list). */
  memsAllowed: readonly number[];
  /** Heat from which a range counts as hot (default 0.2: used in a fifth of the intervals). */
  hot?: number;
  /** A node whose threads used less than this share of the CPU time is not "where the threads run" (default 0.1). */
  busy?: number;
  /** DAMON age (intervals) from which an unused range counts as cold (default 5). */
  coldAge?: number;
  /**
   * Heat under which a range counts as unused (default 0.05: fewer accesses seen than one
   * check in twenty, the resolution of one DAMON interval). DAMON's regions may join an idle
   * buffer with a little memory used once in the window; exactly 0 would then never hold.
   */
  coldHeat?: number;
}

export type RecommendationKind = 'promote' | 'demote';

export interface Recommendation {
  kind: RecommendationKind;
  start: bigint;
  end: bigint;
  pages: number;
  bytes: number;
  fromNode: number;
  toNode: number;
  /** Page-weighted heat of the pages concerned. */
  heat: number;
  reason: string;
}

export interface Advice {
  recommendations: Recommendation[];
  /** Why there is less advice than one might expect, in words (one node, writes only, no room). */
  notes: string[];
}

/** Room a target node keeps after a move: 2% of its memory, so advice never fills a node. */
const SPARE_SHARE = 0.02;

export function advise(input: AdviceInput): Advice {
  const hot = input.hot ?? 0.2;
  const busy = input.busy ?? 0.1;
  const notes: string[] = [];
  const withMemory = input.nodes.filter((node) => node.memTotal > 0 && input.memsAllowed.includes(node.id));
  if (input.nodes.length < 2) return { recommendations: [], notes: ['this machine has one NUMA node: there is nowhere to move pages to'] };
  if (withMemory.length < 2) notes.push(`the process's cpuset allows memory on node ${input.memsAllowed.join(',')} only`);

  const busyNodes = [...input.weights].filter(([, weight]) => weight >= busy).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const home = busyNodes[0]?.[0];
  const free = new Map(input.nodes.map((node) => [node.id, node.memFree - node.memTotal * SPARE_SHARE]));
  const raw: Recommendation[] = [];

  if (home === undefined) notes.push('no thread used the CPU in the window: no node is "where the threads run"');
  else {
    const isBusy = new Set(busyNodes.map(([node]) => node));
    const targets = withMemory.filter((node) => !node.cpuless).sort((a, b) => distance(input.nodes, home, a.id) - distance(input.nodes, home, b.id) || a.id - b.id);
    for (const range of input.ranges) {
      if (range.heat < hot) continue;
      for (const [node, pages] of range.pagesByNode) {
        if (isBusy.has(node) || pages === 0) continue;
        const bytes = pages * input.pageSize;
        const target = targets.find((candidate) => candidate.id !== node && (free.get(candidate.id) ?? 0) >= bytes);
        if (!target) continue;
        free.set(target.id, (free.get(target.id) ?? 0) - bytes);
        const where = target.id === home ? `node ${home}, where the busy threads run` : `node ${target.id}, the nearest to node ${home} (where the busy threads run) with room`;
        raw.push({ kind: 'promote', start: range.start, end: range.end, pages, bytes, fromNode: node, toNode: target.id, heat: range.heat, reason: `hot, on node ${node} where no busy thread runs; to ${where}` });
      }
    }
  }

  if (input.source !== 'damon') notes.push('heat is writes only (soft-dirty): pages that are only read look cold, so no demotion is suggested');
  else {
    const coldAge = input.coldAge ?? 5;
    const coldHeat = input.coldHeat ?? 0.05;
    const slow = withMemory.filter((node) => node.cpuless);
    for (const range of input.ranges) {
      if (range.heat >= coldHeat || (range.age ?? 0) < coldAge) continue;
      for (const [node, pages] of range.pagesByNode) {
        const from = input.nodes.find((candidate) => candidate.id === node);
        if (!from || from.cpuless || pages === 0) continue;
        const bytes = pages * input.pageSize;
        const target = slow
          .filter((candidate) => lowerTier(from, candidate) && (free.get(candidate.id) ?? 0) >= bytes)
          .sort((a, b) => distance(input.nodes, node, a.id) - distance(input.nodes, node, b.id) || a.id - b.id)[0];
        if (!target) continue;
        free.set(target.id, (free.get(target.id) ?? 0) - bytes);
        raw.push({ kind: 'demote', start: range.start, end: range.end, pages, bytes, fromNode: node, toNode: target.id, heat: 0, reason: `cold (unused for ${range.age} intervals) on node ${node}, which has CPUs; node ${target.id} is a slower tier (no CPUs) with room` });
      }
    }
  }

  const recommendations = coalesce(raw).sort(
    (a, b) => order(a.kind) - order(b.kind) || b.heat * b.pages - a.heat * a.pages || b.pages - a.pages || (a.start < b.start ? -1 : 1),
  );
  return { recommendations, notes };
}

function order(kind: RecommendationKind): number {
  return kind === 'promote' ? 0 : 1;
}

function distance(nodes: readonly NumaNode[], from: number, to: number): number {
  const node = nodes.find((candidate) => candidate.id === from);
  return node?.distances[nodes.findIndex((candidate) => candidate.id === to)] ?? (from === to ? 10 : 20);
}

/**
 * A CPU-less node counts as a slower tier than one with CPUs unless the kernel's memory tiers
 * put it in a faster one (a guest or a machine without tiering drivers has them all in one).
 */
function lowerTier(from: NumaNode, to: NumaNode): boolean {
  if (from.memoryTier === null || to.memoryTier === null) return true;
  return to.memoryTier >= from.memoryTier;
}

/** Neighbouring recommendations of one kind between the same nodes become one. */
function coalesce(list: Recommendation[]): Recommendation[] {
  const sorted = [...list].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Recommendation[] = [];
  for (const item of sorted) {
    const last = out.find((candidate) => candidate.kind === item.kind && candidate.fromNode === item.fromNode && candidate.toNode === item.toNode && candidate.end === item.start);
    if (!last) {
      out.push({ ...item });
      continue;
    }
    last.heat = (last.heat * last.pages + item.heat * item.pages) / (last.pages + item.pages);
    last.end = item.end;
    last.pages += item.pages;
    last.bytes += item.bytes;
  }
  return out;
}
