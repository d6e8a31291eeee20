/**
 * The system view's data ('system:overview'): every process with its arguments, user and
 * memory per node (numa_maps totals, never a per-page scan), the nodes with their biggest
 * holders, and the cgroups. Reading numa_maps walks the process's page tables, so it is done
 * for at most `nodeReadLimit` readable processes per refresh, the largest by RSS first; the
 * rest are listed with their RSS and counted in `unreadPastLimit`, which the view shows.
 */
import type { NodeBytes, OverviewNode, OverviewProcess, SystemOverview } from '../../common/system-overview.js';
import type { ProcessSummary, Topology } from '../../common/types.js';
import { readPageSize } from '../system/pageSize.js';
import { cpuToNodeMap } from '../system/topology.js';
import { readUserNames } from '../system/users.js';
import { readCgroups } from './cgroups.js';
import { mapLimit } from './concurrency.js';
import { ProcError, readProcText } from './errors.js';
import { KERNEL_THREAD_REASON, listProcesses } from './list.js';
import { readProcessLocality } from './locality.js';
import { readProcessNodeUsage } from './node-usage.js';
import { readStatus } from './status.js';

export const DEFAULT_NODE_READ_LIMIT = 2000;
/** Processes listed under each node as its biggest holders. */
export const TOP_PER_NODE = 5;
/** Arguments beyond this are cut (a JVM's classpath can run to megabytes). */
export const MAX_ARGS_LENGTH = 4096;

/** cmdline's NUL-separated arguments as one line. */
export function argsOfCmdline(raw: string): string {
  const text = raw.endsWith('\0') ? raw.slice(0, -1) : raw;
  const joined = text.replace(/\0/g, ' ');
  return joined.length > MAX_ARGS_LENGTH ? `${joined.slice(0, MAX_ARGS_LENGTH - 1)}…` : joined;
}

/** Per node: its memory, what the processes hold there and the `topN` that hold the most. */
export function summarizeNodes(topology: Pick<Topology, 'nodes'>, processes: readonly OverviewProcess[], topN: number = TOP_PER_NODE): OverviewNode[] {
  return topology.nodes.map((node) => {
    const holders = processes
      .filter((p) => (p.nodeBytes?.[node.id] ?? 0) > 0)
      .map((p) => ({ pid: p.pid, comm: p.comm, bytes: p.nodeBytes?.[node.id] ?? 0 }))
      .sort((a, b) => b.bytes - a.bytes || a.pid - b.pid);
    return {
      id: node.id,
      cpus: node.cpus,
      memTotal: node.memTotal,
      memFree: node.memFree,
      processBytes: holders.reduce((sum, holder) => sum + holder.bytes, 0),
      top: holders.slice(0, topN),
    };
  });
}

/** Which readable processes get their node bytes read: the largest `limit` by RSS. */
export function pickNodeReads(summaries: readonly ProcessSummary[], limit: number): Set<number> {
  const readable = summaries.filter((p) => p.readable).sort((a, b) => b.rss - a.rss || a.pid - b.pid);
  return new Set(readable.slice(0, limit).map((p) => p.pid));
}

function isGone(error: unknown): boolean {
  return error instanceof ProcError && (error.code === 'ESRCH' || error.code === 'ENOENT');
}

async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch {
    return null;
  }
}

interface ReadContext {
  pageSize: number;
  cpuToNode: ReadonlyMap<number, number>;
  names: ReadonlyMap<number, string>;
  nodeReads: ReadonlySet<number>;
}

async function readOne(summary: ProcessSummary, context: ReadContext): Promise<OverviewProcess | null> {
  const kernelThread = summary.reason === KERNEL_THREAD_REASON;
  const row: OverviewProcess = { ...summary, args: '', user: null, kernelThread, nodeBytes: null, locality: null };
  if (kernelThread) return row;
  const [cmdline, status] = await Promise.all([orNull(readProcText(summary.pid, 'cmdline')), orNull(readStatus(summary.pid))]);
  row.args = argsOfCmdline(cmdline ?? '');
  if (status !== null) row.user = context.names.get(status.euid) ?? String(status.euid);
  if (!summary.readable) return row;
  if (!context.nodeReads.has(summary.pid)) return { ...row, reason: 'node bytes not read: past the per-refresh limit' };
  try {
    const usage = await readProcessNodeUsage(summary.pid, context.pageSize);
    const nodeBytes: NodeBytes = {};
    for (const [node, bytes] of usage.bytesByNode) nodeBytes[node] = bytes;
    const locality = await orNull(readProcessLocality(summary.pid, usage, context.cpuToNode));
    return { ...row, nodeBytes, locality: locality?.ratio ?? null };
  } catch (error) {
    if (isGone(error)) return null;
    if (error instanceof ProcError) return { ...row, readable: false, reason: error.message };
    throw error;
  }
}

export interface OverviewOptions {
  topology: Topology;
  nodeReadLimit?: number;
  /** The cgroup v2 mount (default: found in /proc/self/mountinfo). */
  cgroupMount?: string;
}

export async function readSystemOverview(options: OverviewOptions): Promise<SystemOverview> {
  const started = performance.now();
  const limit = options.nodeReadLimit ?? DEFAULT_NODE_READ_LIMIT;
  const [summaries, pageSize, names, cgroups] = await Promise.all([
    listProcesses(),
    readPageSize(),
    readUserNames(),
    readCgroups(options.cgroupMount === undefined ? {} : { mount: options.cgroupMount }),
  ]);
  const nodeReads = pickNodeReads(summaries, limit);
  const context: ReadContext = { pageSize, cpuToNode: cpuToNodeMap(options.topology), names, nodeReads };
  const rows = await mapLimit(summaries, 16, (summary) => readOne(summary, context));
  const processes = rows.filter((row): row is OverviewProcess => row !== null);
  const unreadPastLimit = summaries.filter((p) => p.readable).length - nodeReads.size;
  return {
    takenAt: Date.now(),
    readMs: Math.round(performance.now() - started),
    nodes: summarizeNodes(options.topology, processes),
    processes,
    nodeReadLimit: limit,
    unreadPastLimit,
    cgroups,
  };
}
