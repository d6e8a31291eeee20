/**
 * Locality, an estimate: the share of a process's (or region's) present pages that sit on the
 * nodes its threads run on, each node weighted by the CPU time its threads used. It assumes a
 * thread touches the pages evenly and runs where it was last seen; DAMON or NUMA-balancing
 * faults tell more where the kernel has them. 1 means every page is local to the CPU time.
 * `ps --nodes` and the metrics use the same sum without a window (proc/locality.ts: weight 1
 * per node a thread last ran on); docs/advice-format.md describes both.
 */
import type { ThreadUse } from '../proc/thread-usage.js';

export interface NodeWeights {
  /** node -> 0..1, summing to 1 over the nodes threads ran on. */
  weights: Map<number, number>;
  /** 'cpu-time': weighted by CPU time in the window; 'threads': the process was idle, so each thread counts alike. */
  basis: 'cpu-time' | 'threads';
}

export function nodeWeights(threads: readonly ThreadUse[]): NodeWeights {
  const weights = new Map<number, number>();
  const busy = threads.some((thread) => thread.share > 0);
  const placed = threads.filter((thread) => thread.node !== null);
  for (const thread of placed) {
    const node = thread.node as number;
    weights.set(node, (weights.get(node) ?? 0) + (busy ? thread.share : 1 / placed.length));
  }
  // Shares of threads whose CPU has no known node are left out: renormalise over the rest.
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  if (total > 0) for (const [node, weight] of weights) weights.set(node, weight / total);
  return { weights, basis: busy ? 'cpu-time' : 'threads' };
}

/** Sum over nodes of (share of the present pages on the node) x (the node's weight); null without present pages. */
export function locality(pagesByNode: ReadonlyMap<number, number>, weights: ReadonlyMap<number, number>): number | null {
  let present = 0;
  let local = 0;
  for (const [node, pages] of pagesByNode) {
    present += pages;
    local += pages * (weights.get(node) ?? 0);
  }
  return present === 0 ? null : local / present;
}
