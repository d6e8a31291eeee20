/**
 * Every process on the machine, for the process picker and the system view: name, RSS, and whether we may read
 * its placement (and if not, why, so the UI can say so instead of failing later).
 */
import { open, readdir } from 'node:fs/promises';
import type { ProcessSummary } from '../../common/types.js';
import { readPageSize } from '../system/pageSize.js';
import { accessDeniedCause } from './access.js';
import { mapLimit } from './concurrency.js';
import { PROC_ROOT, ProcError, procPath, readProcText, toProcError } from './errors.js';
import { parseStat } from './identity.js';

export const KERNEL_THREAD_REASON = 'kernel thread (no user memory)';

/** Resident pages: field 2 of /proc/PID/statm. */
export function parseStatmResident(text: string): number {
  const first = text.indexOf(' ');
  const second = text.indexOf(' ', first + 1);
  const value = Number(text.slice(first + 1, second < 0 ? undefined : second));
  return Number.isFinite(value) ? value : 0;
}

function isGone(error: unknown): boolean {
  return error instanceof ProcError && (error.code === 'ESRCH' || error.code === 'ENOENT');
}

/**
 * Opening numa_maps (or maps) runs the kernel's ptrace access check, so a successful
 * open is the answer without reading anything. Returns null when readable, else the error.
 */
async function probeReadable(pid: number): Promise<ProcError | null> {
  for (const file of ['numa_maps', 'maps']) {
    try {
      const handle = await open(procPath(pid, file), 'r');
      await handle.close();
      return null;
    } catch (error) {
      const procError = toProcError(error, pid, procPath(pid, file));
      // numa_maps is missing on kernels built without CONFIG_NUMA; maps always exists.
      if (file === 'numa_maps' && (error as { code?: unknown }).code === 'ENOENT') continue;
      return procError;
    }
  }
  return null;
}

async function summarize(pid: number, pageSize: number): Promise<ProcessSummary | null> {
  try {
    const stat = parseStat(await readProcText(pid, 'stat'));
    if (stat.kernelThread) return { pid, comm: stat.comm, startTime: stat.startTime, rss: 0, readable: false, reason: KERNEL_THREAD_REASON };
    if (stat.state === 'Z' || stat.state === 'X') return { pid, comm: stat.comm, startTime: stat.startTime, rss: 0, readable: false, reason: 'zombie (exited, not yet reaped)' };
    const rss = parseStatmResident(await readProcText(pid, 'statm')) * pageSize;
    const denied = await probeReadable(pid);
    if (denied === null) return { pid, comm: stat.comm, startTime: stat.startTime, rss, readable: true, reason: null };
    if (isGone(denied)) return null;
    return { pid, comm: stat.comm, startTime: stat.startTime, rss, readable: false, reason: denied.code === 'EACCES' || denied.code === 'EPERM' ? await accessDeniedCause(pid) : denied.message };
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
}

export async function listProcesses(): Promise<ProcessSummary[]> {
  const [names, pageSize] = await Promise.all([readdir(PROC_ROOT), readPageSize()]);
  const pids = names
    .filter((name) => name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57)
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0)
    .sort((a, b) => a - b);
  const summaries = await mapLimit(pids, 32, (pid) => summarize(pid, pageSize));
  return summaries.filter((summary): summary is ProcessSummary => summary !== null);
}
