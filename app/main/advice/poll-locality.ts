/**
 * Locality poll by poll (advice/locality.ts's estimate): the present pages of the poll weighed
 * by the CPU time each node's threads used since the previous poll. Fed a reading of the
 * threads' CPU time with every poll, it keeps the previous reading only, so a session of any
 * length costs one reading of memory.
 */
import { threadUse, type ThreadCpu } from '../proc/thread-usage.js';
import { locality, nodeWeights, type NodeWeights } from './locality.js';

export interface PollLocalityValue {
  /** 0..1. */
  share: number;
  /** 'threads' when no thread used CPU time between the polls: each thread then counts alike. */
  basis: NodeWeights['basis'];
}

/** Pages per node id (decimal keys, as a placement's totals have them) as the estimate's map. */
function pagesOf(byNode: Readonly<Record<string, number>>): Map<number, number> {
  const pages = new Map<number, number>();
  for (const [node, count] of Object.entries(byNode)) if (count > 0) pages.set(Number(node), count);
  return pages;
}

/** The estimate between two readings of the threads; null without present pages or without a thread on a known node. */
export function localityBetween(
  before: readonly ThreadCpu[],
  after: readonly ThreadCpu[],
  byNode: Readonly<Record<string, number>>,
  cpuToNode: ReadonlyMap<number, number>,
): PollLocalityValue | null {
  const weights = nodeWeights(threadUse(before, after, cpuToNode));
  if (weights.weights.size === 0) return null;
  const share = locality(pagesOf(byNode), weights.weights);
  return share === null ? null : { share: Math.min(1, Math.max(0, share)), basis: weights.basis };
}

export class PollLocality {
  private previous: readonly ThreadCpu[] | null = null;

  constructor(private readonly cpuToNode: ReadonlyMap<number, number>) {}

  /**
   * The poll's locality from its threads' reading (null when it could not be read) and its
   * pages per node. Null for the first poll, which has no interval to weigh CPU time over, and
   * for a poll after one whose reading failed.
   */
  next(threads: readonly ThreadCpu[] | null, byNode: Readonly<Record<string, number>>): PollLocalityValue | null {
    const before = this.previous;
    this.previous = threads;
    if (before === null || threads === null) return null;
    return localityBetween(before, threads, byNode, this.cpuToNode);
  }
}
