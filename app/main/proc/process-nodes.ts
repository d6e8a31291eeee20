/**
 * Processes with their memory per node and their locality estimate: what `ps --nodes` lists
 * and what metrics export. Built on the cheap numa_maps totals (node-usage.ts), never on a
 * per-page scan.
 */
import type { ProcessSummary } from '../../common/types.js';
import { readPageSize } from '../system/pageSize.js';
import { mapLimit } from './concurrency.js';
import { ProcError } from './errors.js';
import { listProcesses } from './list.js';
import { readProcessLocality, type ProcessLocality } from './locality.js';
import { readProcessNodeUsage, type ProcessNodeUsage } from './node-usage.js';
import { readStatus } from './status.js';

export interface ProcessNodes extends ProcessSummary {
  /** Effective uid (who `ps` says owns it); null for a process that went away meanwhile. */
  uid: number | null;
  /** Null for a process that cannot be read. */
  usage: ProcessNodeUsage | null;
  locality: ProcessLocality | null;
}

export interface ProcessNodesOptions {
  /** The topology's CPU -> node map (cpuToNodeMap), for the threads' nodes. */
  cpuToNode: ReadonlyMap<number, number>;
  /** Only these pids (default: every process). */
  pids?: readonly number[];
  /** Include processes that cannot be read (default false: they are left out). */
  unreadable?: boolean;
  /** Decides on the summary and uid, before numa_maps and the threads are read. */
  keep?: (summary: ProcessSummary, uid: number | null) => boolean;
}

function isGone(error: unknown): boolean {
  return error instanceof ProcError && (error.code === 'ESRCH' || error.code === 'ENOENT');
}

async function readUid(pid: number): Promise<number | null> {
  try {
    return (await readStatus(pid)).euid;
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
}

async function withNodes(summary: ProcessSummary, options: ProcessNodesOptions, pageSize: number): Promise<ProcessNodes | null> {
  const uid = await readUid(summary.pid);
  if (options.keep && !options.keep(summary, uid)) return null;
  if (!summary.readable) return options.unreadable ? { ...summary, uid, usage: null, locality: null } : null;
  try {
    const usage = await readProcessNodeUsage(summary.pid, pageSize);
    const locality = await readProcessLocality(summary.pid, usage, options.cpuToNode);
    return { ...summary, uid, usage, locality };
  } catch (error) {
    // Exited between the listing and now: it is simply no longer on the list.
    if (isGone(error)) return null;
    // Became unreadable meanwhile (it ran a set-uid program, say).
    if (error instanceof ProcError && (error.code === 'EACCES' || error.code === 'EPERM')) {
      return options.unreadable ? { ...summary, readable: false, reason: error.message, uid, usage: null, locality: null } : null;
    }
    throw error;
  }
}

export async function listProcessNodes(options: ProcessNodesOptions): Promise<ProcessNodes[]> {
  const [all, pageSize] = await Promise.all([listProcesses(), readPageSize()]);
  const wanted = options.pids === undefined ? null : new Set(options.pids);
  const summaries = wanted === null ? all : all.filter((p) => wanted.has(p.pid));
  const rows = await mapLimit(summaries, 16, (summary) => withNodes(summary, options, pageSize));
  return rows.filter((row): row is ProcessNodes => row !== null);
}
