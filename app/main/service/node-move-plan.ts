/**
 * What the dialog shows before everything of the watched process on one node moves to another
 * (migrate_pages): the pages on the source node, room on the target, whether the process may
 * use it, and which targets are worth offering. Counted from the latest scan, which is what the
 * user is looking at; nothing moves here.
 */
import type { NodeMovePlan } from '../../common/ipc.js';
import { formatNodeList } from '../../common/nodelist.js';
import type { Placement, ProcessIdentity, Topology } from '../../common/types.js';
import type { ServiceDeps } from './deps.js';
import { offeredTargets, whyNotAllowed } from './move-plan.js';

/** Pages of the scan on `node`, run by run. */
function pagesOnNode(placement: Placement, node: number): number {
  let pages = 0;
  for (const region of placement.regions) {
    const count = Number((region.vma.end - region.vma.start) / BigInt(placement.pageSize));
    region.status.visitRuns(0, count, (start, end, s) => {
      if (s === node) pages += end - start;
    });
  }
  return pages;
}

export interface NodePlanInput {
  identity: ProcessIdentity;
  fromNode: number;
  toNode: number;
}

/** `watched` is the latest scan of the watched process, counted only when it is this very process. */
export async function planNodeMove(deps: ServiceDeps, input: NodePlanInput, topology: Topology, watched: Placement | null): Promise<NodeMovePlan> {
  const { identity, fromNode, toNode } = input;
  const scanned = watched !== null && watched.identity.pid === identity.pid && watched.identity.startTime === identity.startTime ? watched : null;
  const pagesOnSource = scanned === null ? 0 : pagesOnNode(scanned, fromNode);
  const memsAllowed = await deps.readMemsAllowed(identity.pid);
  const offered = offeredTargets(topology.withMemory, memsAllowed, pagesOnSource > 0 ? [fromNode] : [], `node ${fromNode}'s pages`);
  const refusal = await whyNotAllowed(deps, { identity, toNode, moveAll: false }, topology);
  const online = topology.nodes.map((n) => n.id);
  const reason =
    refusal?.message ??
    (!online.includes(fromNode) ? `node ${fromNode} does not exist on this machine (online nodes: ${formatNodeList(online)})` : null) ??
    (scanned === null ? `process ${identity.pid} has not been scanned yet` : null) ??
    (pagesOnSource === 0 ? `no page of process ${identity.pid} (${identity.comm}) is on node ${fromNode}` : null);
  return {
    fromNode,
    toNode,
    pagesOnSource,
    bytesOnSource: pagesOnSource * topology.pageSize,
    targetFreeBytes: topology.nodes.find((n) => n.id === toNode)?.memFree ?? 0,
    allowed: reason === null,
    reason,
    ...offered,
  };
}
