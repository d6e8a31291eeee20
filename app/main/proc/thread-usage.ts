/**
 * Who uses a process's memory: per thread, the CPU time it used over a window, the CPU it last
 * ran on (and so its node), and, where the kernel keeps them (NUMA balancing: the
 * "numa_faults node=N task_private=.. task_shared=.." lines of /proc/PID/task/TID/sched),
 * its NUMA hinting faults per node: which node's memory the thread actually touched.
 */
import { readProcText } from './errors.js';
import { parseStat } from './identity.js';
import { readEachThread } from './threads.js';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on every Linux port in use). */
export const USER_HZ = 100;

export interface ThreadCpu {
  tid: number;
  comm: string;
  /** utime + stime, in clock ticks. */
  ticks: number;
  lastCpu: number;
  /** NUMA hinting faults per node since the thread started; null where the kernel has none. */
  numaFaults: Map<number, number> | null;
}

export interface ThreadUse {
  tid: number;
  comm: string;
  /** CPU time used in the window, seconds. */
  cpuSeconds: number;
  /** Of the whole process's CPU time in the window, 0..1 (0 for every thread of an idle process). */
  share: number;
  lastCpu: number;
  node: number | null;
  /** NUMA hinting faults per node during the window; null where the kernel has none. */
  numaFaults: Record<string, number> | null;
}

/** The numa_faults lines of a sched file: node -> task_private + task_shared; null when there are none. */
export function parseNumaFaults(text: string): Map<number, number> | null {
  const faults = new Map<number, number>();
  for (const match of text.matchAll(/^numa_faults node=(\d+) task_private=(\d+) task_shared=(\d+)/gm)) {
    faults.set(Number(match[1]), Number(match[2]) + Number(match[3]));
  }
  return faults.size === 0 ? null : faults;
}

export async function readThreadCpu(pid: number): Promise<ThreadCpu[]> {
  return readEachThread(pid, async (tid) => {
    const stat = parseStat(await readProcText(pid, `task/${tid}/stat`));
    const sched = await readProcText(pid, `task/${tid}/sched`).catch(() => '');
    return { tid, comm: stat.comm, ticks: stat.utime + stat.stime, lastCpu: stat.lastCpu, numaFaults: parseNumaFaults(sched) };
  });
}

/**
 * Per thread, its CPU time and last CPU only (the stat file, not sched): cheap enough to read at
 * every poll of a watched process, which weighs locality by the CPU time between two polls.
 */
export async function readThreadTicks(pid: number): Promise<ThreadCpu[]> {
  return readEachThread(pid, async (tid) => {
    const stat = parseStat(await readProcText(pid, `task/${tid}/stat`));
    return { tid, comm: stat.comm, ticks: stat.utime + stat.stime, lastCpu: stat.lastCpu, numaFaults: null };
  });
}

/** Each thread alive at `after`: its CPU time and faults since `before` (all of them for a thread started in between). */
export function threadUse(before: readonly ThreadCpu[], after: readonly ThreadCpu[], cpuToNode: ReadonlyMap<number, number>): ThreadUse[] {
  const earlier = new Map(before.map((thread) => [thread.tid, thread]));
  const used = after.map((thread) => {
    const then = earlier.get(thread.tid);
    const ticks = Math.max(0, thread.ticks - (then?.ticks ?? 0));
    let numaFaults: Record<string, number> | null = null;
    if (thread.numaFaults) {
      numaFaults = {};
      for (const [node, count] of thread.numaFaults) numaFaults[node] = Math.max(0, count - (then?.numaFaults?.get(node) ?? 0));
    }
    return { thread, ticks, numaFaults };
  });
  const total = used.reduce((sum, entry) => sum + entry.ticks, 0);
  return used.map(({ thread, ticks, numaFaults }) => ({
    tid: thread.tid,
    comm: thread.comm,
    cpuSeconds: ticks / USER_HZ,
    share: total === 0 ? 0 : ticks / total,
    lastCpu: thread.lastCpu,
    node: cpuToNode.get(thread.lastCpu) ?? null,
    numaFaults,
  }));
}
