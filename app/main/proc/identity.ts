/**
 * Who a pid is: /proc/PID/stat and /proc/PID/cmdline. A pid alone is not an identity (pids
 * are reused), so every identity carries the start time, and sameProcess compares both.
 */
import type { ProcessIdentity } from '../../common/types.js';
import { ProcParseError, readProcText } from './errors.js';

/** PF_KTHREAD (include/linux/sched.h): the task is a kernel thread and has no user memory. */
export const PF_KTHREAD = 0x00200000;

export interface ProcStat {
  pid: number;
  comm: string;
  /** One letter: R, S, D, Z, T, t, X, I, ... */
  state: string;
  ppid: number;
  /** Field 9, PF_* bits. */
  flags: number;
  minorFaults: number;
  majorFaults: number;
  /** Clock ticks in user / kernel mode. */
  utime: number;
  stime: number;
  numThreads: number;
  /** Field 22: clock ticks after boot. */
  startTime: number;
  /** Bytes of virtual address space. */
  vsize: number;
  /** Resident pages (field 24); multiply by the page size for bytes. */
  rssPages: number;
  /** Field 39: the CPU the task last ran on. */
  lastCpu: number;
  kernelThread: boolean;
}

/**
 * Parses /proc/PID/stat (or /proc/PID/task/TID/stat). comm may contain spaces and
 * parentheses, and only the kernel's closing ")" is guaranteed to be the last one, so the
 * line is split at the last ")".
 */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new ProcParseError(`malformed stat line: ${JSON.stringify(text.slice(0, 80))}`);
  // rest[0] is field 3 (state), so field N sits at rest[N - 3].
  const rest = text.slice(close + 2).trimEnd().split(' ');
  const field = (n: number): number => {
    const value = Number(rest[n - 3]);
    if (!Number.isFinite(value)) throw new ProcParseError(`malformed stat line: field ${n} is ${JSON.stringify(rest[n - 3])}`);
    return value;
  };
  const flags = field(9);
  return {
    pid: Number(text.slice(0, open)),
    comm: text.slice(open + 2, close),
    state: rest[0] ?? '',
    ppid: field(4),
    flags,
    minorFaults: field(10),
    majorFaults: field(12),
    utime: field(14),
    stime: field(15),
    numThreads: field(20),
    startTime: field(22),
    vsize: field(23),
    rssPages: field(24),
    // Field 39 exists since 2.2; very old or truncated lines leave it unknown.
    lastCpu: rest.length > 39 - 3 ? field(39) : -1,
    kernelThread: (flags & PF_KTHREAD) !== 0,
  };
}

/** /proc/PID/cmdline: NUL-separated arguments with a trailing NUL. */
export function parseCmdline(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export async function readStat(pid: number): Promise<ProcStat> {
  return parseStat(await readProcText(pid, 'stat'));
}

export async function readIdentity(pid: number): Promise<ProcessIdentity> {
  const [statText, cmdlineText] = await Promise.all([readProcText(pid, 'stat'), readProcText(pid, 'cmdline')]);
  const stat = parseStat(statText);
  return { pid, comm: stat.comm, cmdline: parseCmdline(cmdlineText), startTime: stat.startTime };
}

/** Same pid and same start time: the same process, not a later one that reused the pid. */
export function sameProcess(a: ProcessIdentity, b: ProcessIdentity): boolean {
  return a.pid === b.pid && a.startTime === b.startTime;
}
