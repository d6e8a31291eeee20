/**
 * What the confirmation dialog shows before a move: how many pages the ranges cover, how many
 * would move, how many are already on the target or not there, and whether the target node
 * may be used at all. Nothing moves here.
 *
 * When the ranges belong to the process being watched, the counts come from its latest scan
 * (instant, and consistent with what the user is looking at); otherwise the kernel is asked,
 * chunk by chunk, about the pages pagemap shows present when the ranges are large (as a move
 * does, see migrator/present.ts), so a sparse reservation of terabytes costs what its touched
 * pages cost. The signal stops the asking (the client went away).
 */
import type { MovePlan, WireError } from '../../common/ipc.js';
import { formatNodeList } from '../../common/nodelist.js';
import type { StatusStore } from '../../common/status-store.js';
import type { Placement, ProcessIdentity, Topology } from '../../common/types.js';
import { MigratorError } from '../migrator/errors.js';
import { clipToVmas, type AddressRange } from '../migrator/plan.js';
import { presenceWanted } from '../migrator/present.js';
import type { ServiceDeps } from './deps.js';
import { toWireError } from './errors.js';

/** Pages per move_pages query call: big enough to be cheap, small enough to keep memory flat. */
const QUERY_CHUNK = 16384;

export interface PlanInput {
  identity: ProcessIdentity;
  ranges: AddressRange[];
  toNode: number;
  moveAll: boolean;
}

interface Tally {
  pages: number;
  pagesToMove: number;
  alreadyOnTarget: number;
  notPresent: number;
  /** Present pages per node. */
  byNode: Map<number, number>;
}

function newTally(): Tally {
  return { pages: 0, pagesToMove: 0, alreadyOnTarget: 0, notPresent: 0, byNode: new Map() };
}

function countStatus(tally: Tally, s: number, pages: number, toNode: number): void {
  if (s >= 0) tally.byNode.set(s, (tally.byNode.get(s) ?? 0) + pages);
  if (s === toNode) tally.alreadyOnTarget += pages;
  else if (s >= 0) tally.pagesToMove += pages;
  else tally.notPresent += pages;
}

function count(tally: Tally, status: ArrayLike<number>, from: number, to: number, toNode: number): void {
  tally.pages += to - from;
  for (let i = from; i < to; i++) countStatus(tally, status[i] as number, 1, toNode);
}

/** The same from a scan's store, run by run: a sparse reservation costs what its touched pages cost. */
function countStored(tally: Tally, status: StatusStore, from: number, to: number, toNode: number): void {
  tally.pages += to - from;
  status.visitRuns(from, to, (start, end, s) => countStatus(tally, s, end - start, toNode));
}

function tallyFromPlacement(placement: Placement, ranges: AddressRange[], toNode: number): Tally {
  const tally = newTally();
  const { regions, pageSize } = placement;
  const size = BigInt(pageSize);
  const clip = clipToVmas(
    ranges,
    regions.map((r) => r.vma),
    pageSize,
  );
  for (const segment of clip.segments) {
    const region = regions[segment.vma];
    if (!region) continue;
    const from = Number((segment.start - region.vma.start) / size);
    const to = Number((segment.end - region.vma.start) / size);
    countStored(tally, region.status, from, to, toNode);
  }
  return tally;
}

/** Page addresses of runs of page numbers ([start, end) pairs), at most `QUERY_CHUNK` at a time. */
function* pageChunks(runs: Float64Array, count: number, pageSize: number): Generator<BigUint64Array> {
  const size = BigInt(pageSize);
  const chunk = new BigUint64Array(QUERY_CHUNK);
  let used = 0;
  for (let r = 0; r < count; r++) {
    const end = runs[2 * r + 1] as number;
    for (let page = runs[2 * r] as number; page < end; page++) {
      chunk[used++] = BigInt(page) * size;
      if (used === QUERY_CHUNK) {
        yield chunk;
        used = 0;
      }
    }
  }
  if (used > 0) yield chunk.subarray(0, used);
}

async function tallyFromKernel(deps: ServiceDeps, pid: number, ranges: AddressRange[], toNode: number, pageSize: number, signal?: AbortSignal): Promise<Tally> {
  const tally = newTally();
  const clip = clipToVmas(ranges, await deps.readMaps(pid), pageSize);
  const mapped = clip.requestedPages - clip.unmappedPages;
  const present = deps.findPresentPages && presenceWanted(undefined, mapped) ? await deps.findPresentPages(pid, clip.segments, pageSize, signal) : null;
  let runs: Float64Array;
  let runCount: number;
  if (present) {
    ({ runs, count: runCount } = present);
    tally.pages += mapped - present.pages;
    tally.notPresent += mapped - present.pages;
  } else {
    const size = BigInt(pageSize);
    runs = Float64Array.from(clip.segments.flatMap((s) => [Number(s.start / size), Number(s.end / size)]));
    runCount = clip.segments.length;
  }
  for (const pages of pageChunks(runs, runCount, pageSize)) {
    if (signal?.aborted) throw new MigratorError('ABORTED', pid, 'move plan cancelled');
    const status = await deps.queryPages(pid, pages);
    count(tally, status, 0, pages.length, toNode);
  }
  return tally;
}

/** The target nodes worth offering, and why there are none when there are none. */
export interface OfferedTargets {
  targets: number[];
  noTargetReason: string | null;
}

/**
 * Nodes with memory that the cpuset allows (an empty Mems_allowed_list: unknown, so all),
 * less `sources` when every page to move is there already.
 */
export function offeredTargets(withMemory: readonly number[], memsAllowed: readonly number[], sources: readonly number[], what: string): OfferedTargets {
  if (withMemory.length <= 1) {
    const only = withMemory[0] ?? 0;
    return { targets: [], noTargetReason: `this machine has one NUMA node with memory (node ${only}): there is no other node to move pages to` };
  }
  if (sources.length === 0) return { targets: [], noTargetReason: `no page of ${what} is present: there is nothing to move` };
  const allowed = memsAllowed.length > 0 ? withMemory.filter((n) => memsAllowed.includes(n)) : [...withMemory];
  const exclude = sources.length === 1 ? sources : [];
  const targets = allowed.filter((n) => !exclude.includes(n));
  if (targets.length > 0) return { targets, noTargetReason: null };
  return {
    targets,
    noTargetReason: `the process's cpuset allows only node${allowed.length === 1 ? '' : 's'} ${formatNodeList(allowed)} (Mems_allowed_list), where ${what} already are`,
  };
}

/**
 * Null when the move may go ahead; else the errno the kernel would answer with and why, in
 * words. The same checks the migrator makes, asked first so the dialog can say so.
 */
export async function whyNotAllowed(deps: ServiceDeps, input: Omit<PlanInput, 'ranges'>, topology: Topology): Promise<WireError | null> {
  const { identity, toNode } = input;
  const online = topology.nodes.map((n) => n.id);
  if (!online.includes(toNode)) return { code: 'ENODEV', message: `node ${toNode} does not exist on this machine (online nodes: ${formatNodeList(online)})` };
  if (!topology.withMemory.includes(toNode)) {
    return { code: 'ENODEV', message: `node ${toNode} has no memory (nodes with memory: ${formatNodeList(topology.withMemory)})` };
  }
  const allowed = await deps.readMemsAllowed(identity.pid);
  if (allowed.length > 0 && !allowed.includes(toNode)) {
    return {
      code: 'EACCES',
      message: `process ${identity.pid} (${identity.comm}) may not use node ${toNode}: its cpuset allows nodes ${formatNodeList(allowed)} (Mems_allowed_list)`,
    };
  }
  if (input.moveAll) {
    try {
      await deps.checkMoveAllAllowed(identity.pid);
    } catch (error) {
      return toWireError(error);
    }
  }
  return null;
}

/**
 * `watched` is the latest scan of the watched process, used only when it is this very
 * process (same pid and start time).
 */
export async function planMove(deps: ServiceDeps, input: PlanInput, topology: Topology, watched: Placement | null, signal?: AbortSignal): Promise<MovePlan> {
  const { identity, ranges, toNode } = input;
  const useScan = watched !== null && watched.identity.pid === identity.pid && watched.identity.startTime === identity.startTime;
  const tally = useScan ? tallyFromPlacement(watched, ranges, toNode) : await tallyFromKernel(deps, identity.pid, ranges, toNode, topology.pageSize, signal);
  const refusal = await whyNotAllowed(deps, input, topology);
  const reason = refusal?.message ?? (tally.pages === 0 ? 'nothing is mapped in the selected ranges' : null);
  const pagesByNode = [...tally.byNode].sort((a, b) => a[0] - b[0]);
  const memsAllowed = await deps.readMemsAllowed(identity.pid);
  const offered = offeredTargets(topology.withMemory, memsAllowed, pagesByNode.map(([node]) => node), 'the selected pages');
  return {
    pagesByNode,
    ...offered,
    pages: tally.pages,
    bytes: tally.pages * topology.pageSize,
    pagesToMove: tally.pagesToMove,
    alreadyOnTarget: tally.alreadyOnTarget,
    notPresent: tally.notPresent,
    targetNode: toNode,
    targetFreeBytes: topology.nodes.find((n) => n.id === toNode)?.memFree ?? 0,
    allowed: reason === null,
    reason,
  };
}
