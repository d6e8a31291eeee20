/**
 * What one advice run puts together, once its facts are read: the placement at the end of the
 * window, the heat measured over it, the threads' CPU time and the machine. Pure, so a test
 * (or a stand-in server) assembles a report from made-up facts exactly as a real run does.
 */
import type { HeatMeasurement } from '../../common/heat.js';
import type { Placement, ProcessIdentity, Topology } from '../../common/types.js';
import type { ThreadUse } from '../proc/thread-usage.js';
import { advise, type Advice, type RangeNodes } from './advise.js';
import { locality, nodeWeights, type NodeWeights } from './locality.js';
import { placementNodes, rangeNodes } from './range-nodes.js';

export interface RegionLocality {
  start: bigint;
  end: bigint;
  name: string;
  pagesByNode: Map<number, number>;
  locality: number | null;
}

export interface AdviceReport {
  identity: ProcessIdentity;
  takenAt: number;
  topology: Topology;
  heat: HeatMeasurement;
  threads: ThreadUse[];
  weights: NodeWeights;
  locality: number | null;
  regions: RegionLocality[];
  /** Every range the heat source reported, hottest first, with where its pages are. */
  ranges: RangeNodes[];
  advice: Advice;
}
export interface ReportFacts {
  placement: Placement;
  heat: HeatMeasurement;
  threads: ThreadUse[];
  topology: Topology;
  /** Nodes the process's cpuset allows (Mems_allowed_list). */
  memsAllowed: number[];
  hot?: number;
}

export function assembleReport({ placement, heat, threads, topology, memsAllowed, hot }: ReportFacts): AdviceReport {
  const weights = nodeWeights(threads);
  const regions = placement.regions
    .map((region) => {
      const pagesByNode = placementNodes({ ...placement, regions: [region] });
      return { start: region.vma.start, end: region.vma.end, name: region.vma.name, pagesByNode, locality: locality(pagesByNode, weights.weights) };
    })
    .filter((region) => region.pagesByNode.size > 0);
  const ranges = rangeNodes(placement, heat.ranges);
  const advice = advise({
    pageSize: topology.pageSize,
    source: heat.source,
    ranges,
    weights: weights.weights,
    nodes: topology.nodes,
    memsAllowed,
    ...(hot !== undefined ? { hot } : {}),
  });
  const hottest = [...ranges].sort((a, b) => b.heat - a.heat || Number(b.end - b.start - (a.end - a.start)) || (a.start < b.start ? -1 : 1));
  return {
    identity: placement.identity,
    takenAt: placement.takenAt,
    topology,
    heat,
    threads,
    weights,
    locality: locality(placementNodes(placement), weights.weights),
    regions,
    ranges: hottest,
    advice,
  };
}
