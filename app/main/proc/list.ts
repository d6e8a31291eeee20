/**
 * Every process on the machine, for the process picker: name, RSS, and whether we may read
 * its placement (and if not, why, so the UI can say so instead of failing later).
 */
import { open, readdir } from 'node:fs/promises';
import type { ProcessSummary } from '../../common/types.js';
import { readPageSize } from '../system/pageSize.js';
import { mapLimit } from './concurrency.js';
import { PROC_ROOT, ProcError, procPath, readProcText, toProcError } from './errors.js';
import { parseStat } from './identity.js';
import { parseStatus } from './status.js';

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

const CAP_SYS_PTRACE = 19n;

let selfCanPtrace: Promise<boolean> | undefined;

function hasSysPtrace(): Promise<boolean> {
  selfCanPtrace ??= readProcText(process.pid, 'status').then(
    (text) => ((parseStatus(text).capEff >> CAP_SYS_PTRACE) & 1n) === 1n,
    () => false,
  );
  return selfCanPtrace;
}

async function deniedReason(pid: number, error: ProcError): Promise<string> {
  if (error.code !== 'EACCES' && error.code !== 'EPERM') return error.message;
  let owner: number | undefined;
  try {
    owner = parseStatus(await readProcText(pid, 'status')).uid;
  } catch {
    owner = undefined;
  }
  // With CAP_SYS_PTRACE the uid does not matter; a refusal then comes from elsewhere.
  if (await hasSysPtrace()) {
    return 'denied even with CAP_SYS_PTRACE: the process holds capabilities we lack, or a security module (Landlock, SELinux, AppArmor, Yama) forbids it';
  }
  if (owner !== undefined && owner !== process.getuid?.()) return `owned by uid ${owner}; needs root or CAP_SYS_PTRACE`;
  // Same uid and still refused: the kernel treats non-dumpable processes as privileged.
  return 'not dumpable (setuid, file capabilities or prctl); needs root or CAP_SYS_PTRACE';
}

async function summarize(pid: number, pageSize: number): Promise<ProcessSummary | null> {
  try {
    const stat = parseStat(await readProcText(pid, 'stat'));
    if (stat.kernelThread) return { pid, comm: stat.comm, rss: 0, readable: false, reason: KERNEL_THREAD_REASON };
    if (stat.state === 'Z' || stat.state === 'X') return { pid, comm: stat.comm, rss: 0, readable: false, reason: 'zombie (exited, not yet reaped)' };
    const rss = parseStatmResident(await readProcText(pid, 'statm')) * pageSize;
    const denied = await probeReadable(pid);
    if (denied === null) return { pid, comm: stat.comm, rss, readable: true, reason: null };
    if (isGone(denied)) return null;
    return { pid, comm: stat.comm, rss, readable: false, reason: await deniedReason(pid, denied) };
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
