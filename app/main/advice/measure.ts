/**
 * One advice run: measure heat and thread CPU time over a window, read the placement at its
 * end, and put the three together (locality, hottest ranges, recommendations).
 */
import type { HeatMeasurement } from '../../common/heat.js';
import type { ProcessIdentity, Topology } from '../../common/types.js';
import type { DamonStarter, HeatChoice } from '../heat/session.js';
import { startHeat } from '../heat/session.js';
import { readStat } from '../proc/identity.js';
import { readStatus } from '../proc/status.js';
import { readThreadCpu, threadUse, type ThreadUse } from '../proc/thread-usage.js';
import { scanProcess } from '../sampler/scan.js';
import { cpuToNodeMap } from '../system/topology.js';
import { advise, type Advice, type RangeNodes } from './advise.js';
import { locality, nodeWeights, type NodeWeights } from './locality.js';
import { placementNodes, rangeNodes } from './range-nodes.js';

export interface MeasureOptions {
  seconds: number;
  intervalMs: number;
  choice: HeatChoice;
  hot?: number;
  signal?: AbortSignal;
  /** Called after every interval with the intervals done and planned. */
  onProgress?: (done: number, total: number) => void;
  damon: DamonStarter | null;
}

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

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('interrupted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function stillThere(pid: number): Promise<boolean> {
  try {
    const stat = await readStat(pid);
    return stat.state !== 'Z' && stat.state !== 'X';
  } catch {
    return false;
  }
}

export async function measureAdvice(pid: number, topology: Topology, options: MeasureOptions): Promise<AdviceReport> {
  try {
    return await measure(pid, topology, options);
  } catch (error) {
    // Whatever failed first (a sysfs write, clear_refs, maps, the scan), a target that is gone is the cause.
    if (!(await stillThere(pid))) throw new Error(`process ${pid} exited during the measurement`, { cause: error });
    throw error;
  }
}

async function measure(pid: number, topology: Topology, options: MeasureOptions): Promise<AdviceReport> {
  const intervals = Math.max(1, Math.round((options.seconds * 1000) / options.intervalMs));
  const session = await startHeat({ pid, pageSize: topology.pageSize, intervalMs: options.intervalMs, choice: options.choice }, options.damon);
  let heat: HeatMeasurement;
  let before;
  let after;
  try {
    before = await readThreadCpu(pid);
    for (let i = 0; i < intervals; i++) {
      await sleep(options.intervalMs, options.signal);
      await session.sample();
      options.onProgress?.(i + 1, intervals);
    }
    after = await readThreadCpu(pid);
    heat = session.result();
  } finally {
    await session.close();
  }
  const [scan, status] = await Promise.all([scanProcess(pid, { pageSize: topology.pageSize, ...(options.signal ? { signal: options.signal } : {}) }), readStatus(pid)]);
  const placement = scan.placement;
  const threads = threadUse(before, after, cpuToNodeMap(topology));
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
    memsAllowed: status.memsAllowed,
    ...(options.hot !== undefined ? { hot: options.hot } : {}),
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
