/**
 * One advice run: measure heat and thread CPU time over a window, read the placement at its
 * end, and put the three together (locality, hottest ranges, recommendations).
 */
import { HEAT_LABELS, type HeatMeasurement } from '../../common/heat.js';
import type { Topology } from '../../common/types.js';
import type { DamonStarter, HeatChoice } from '../heat/session.js';
import { startHeat } from '../heat/session.js';
import { readStat } from '../proc/identity.js';
import { readStatus } from '../proc/status.js';
import { readThreadCpu, threadUse } from '../proc/thread-usage.js';
import { scanProcess } from '../sampler/scan.js';
import { cpuToNodeMap } from '../system/topology.js';
import { assembleReport, type AdviceReport } from './report.js';

export interface MeasureOptions {
  seconds: number;
  intervalMs: number;
  choice: HeatChoice;
  hot?: number;
  signal?: AbortSignal;
  /** Called after every interval with the intervals done and planned, and what the interval saw used where the source tells. */
  onProgress?: (done: number, total: number, interval?: IntervalHeat) => void;
  damon: DamonStarter | null;
}

export type { AdviceReport, RegionLocality } from './report.js';

/** One interval of a measurement: the pages it saw used, by what source. */
export interface IntervalHeat {
  pages: number;
  source: HeatMeasurement['source'];
  label: string;
  /** ms since the epoch: when the interval ended. */
  at: number;
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
      const pages = session.lastIntervalPages?.();
      options.onProgress?.(i + 1, intervals, pages === undefined ? undefined : { pages, source: session.source, label: HEAT_LABELS[session.source], at: Date.now() });
    }
    after = await readThreadCpu(pid);
    heat = session.result();
  } finally {
    await session.close();
  }
  const [scan, status] = await Promise.all([scanProcess(pid, { pageSize: topology.pageSize, ...(options.signal ? { signal: options.signal } : {}) }), readStatus(pid)]);
  const threads = threadUse(before, after, cpuToNodeMap(topology));
  return assembleReport({ placement: scan.placement, heat, threads, topology, memsAllowed: status.memsAllowed, ...(options.hot !== undefined ? { hot: options.hot } : {}) });
}
