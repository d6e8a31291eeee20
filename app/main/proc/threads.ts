/**
 * The threads of a process and where each last ran: the node a thread runs on is where
 * first-touch puts its new pages, so the UI shows threads next to the memory.
 */
import { readdir } from 'node:fs/promises';
import type { ThreadInfo } from '../../common/types.js';
import { mapLimit } from './concurrency.js';
import { ProcError, checkPid, procPath, readProcText, toProcError } from './errors.js';
import { parseStat } from './identity.js';

export async function readThreads(pid: number, cpuToNode?: Map<number, number>): Promise<ThreadInfo[]> {
  return readEachThread(pid, async (tid) => {
    const stat = parseStat(await readProcText(pid, `task/${tid}/stat`));
    return { tid, comm: stat.comm, lastCpu: stat.lastCpu, lastNode: cpuToNode?.get(stat.lastCpu) ?? null };
  });
}

/**
 * `read(tid)` for every thread of the process, in tid order. A thread that exits between
 * listing /proc/PID/task and reading its files (ENOENT or ESRCH) is left out.
 */
export async function readEachThread<T>(pid: number, read: (tid: number) => Promise<T>): Promise<T[]> {
  checkPid(pid);
  let names: string[];
  try {
    names = await readdir(procPath(pid, 'task'));
  } catch (error) {
    throw toProcError(error, pid, procPath(pid, 'task'));
  }
  const tids = names.map(Number).filter((tid) => Number.isInteger(tid) && tid > 0).sort((a, b) => a - b);
  const threads = await mapLimit(tids, 32, async (tid): Promise<{ value: T } | null> => {
    try {
      return { value: await read(tid) };
    } catch (error) {
      if (error instanceof ProcError && (error.code === 'ESRCH' || error.code === 'ENOENT')) return null;
      throw error;
    }
  });
  return threads.flatMap((thread) => (thread === null ? [] : [thread.value]));
}
