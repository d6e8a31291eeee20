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
  checkPid(pid);
  let names: string[];
  try {
    names = await readdir(procPath(pid, 'task'));
  } catch (error) {
    throw toProcError(error, pid, procPath(pid, 'task'));
  }
  const tids = names.map(Number).filter((tid) => Number.isInteger(tid) && tid > 0).sort((a, b) => a - b);
  const threads = await mapLimit(tids, 32, async (tid): Promise<ThreadInfo | null> => {
    try {
      const stat = parseStat(await readProcText(pid, `task/${tid}/stat`));
      return { tid, comm: stat.comm, lastCpu: stat.lastCpu, lastNode: cpuToNode?.get(stat.lastCpu) ?? null };
    } catch (error) {
      // A thread that exits between readdir and read leaves ENOENT or ESRCH behind.
      if (error instanceof ProcError && (error.code === 'ESRCH' || error.code === 'ENOENT')) return null;
      throw error;
    }
  });
  return threads.filter((thread): thread is ThreadInfo => thread !== null);
}
