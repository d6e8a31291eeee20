/**
 * Locality without a window (`ps --nodes`, the metrics): the share of a process's resident
 * memory on the nodes its threads last ran on (field 39 of /proc/PID/task/TID/stat, mapped to
 * a node through the topology). The same sum as the advice's locality (advice/locality.ts):
 * here every node a thread last ran on weighs 1, as there is no window to weigh CPU time over.
 * A snapshot of where the scheduler happened to put each thread the moment it was read; a
 * thread that migrates between nodes moves the figure. Good enough to spot a process whose
 * memory sits mostly away from its CPUs, not a measure of its remote accesses. Both figures
 * are described in one place: docs/advice-format.md, "What the figures are".
 */
import { locality } from '../advice/locality.js';
import type { ProcessNodeUsage } from './node-usage.js';
import { readThreads } from './threads.js';

export interface ProcessLocality {
  /** The nodes the threads last ran on, ascending (empty when no CPU maps to a node). */
  threadNodes: number[];
  /** 0 to 1; null when the process has no resident memory or no thread node is known. */
  ratio: number | null;
}

export function localityRatio(usage: ProcessNodeUsage, threadNodes: readonly number[]): number | null {
  if (threadNodes.length === 0) return null;
  return locality(usage.bytesByNode, new Map(threadNodes.map((node) => [node, 1])));
}

export async function readProcessLocality(pid: number, usage: ProcessNodeUsage, cpuToNode: ReadonlyMap<number, number>): Promise<ProcessLocality> {
  const threads = await readThreads(pid, new Map(cpuToNode));
  const nodes = new Set<number>();
  for (const thread of threads) if (thread.lastNode !== null) nodes.add(thread.lastNode);
  const threadNodes = [...nodes].sort((a, b) => a - b);
  return { threadNodes, ratio: localityRatio(usage, threadNodes) };
}
