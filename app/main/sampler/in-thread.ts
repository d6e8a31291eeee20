/**
 * A scan on the caller's own thread, for one-shot commands on small processes: a worker
 * thread costs about 0.1 s to start (it loads koffi and the sampler again), many times what
 * scanning a process of a few MiB takes. The scan's synchronous kernel calls then block this
 * thread for the scan's few milliseconds, which a command that does nothing else can afford;
 * anything that must stay responsive (the window's main process, serve) keeps the worker.
 */
import { readFileSync } from 'node:fs';
import { ScanAborted } from './engine-contract.js';
import type { WorkerJob } from './pool.js';
import type { ScanReply } from './protocol.js';

/**
 * Resident pages up to which a scan runs in the caller's thread: 64 MiB of 4 KiB pages,
 * a scan of a few tens of milliseconds at most.
 */
export const SMALL_TARGET_PAGES = 16384;

/** Resident pages of `pid` (/proc/PID/statm), or null when it cannot be read (the scan then says why). */
export function residentPages(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/statm`, 'utf8').trim().split(/\s+/);
    const resident = Number(fields[1]);
    return Number.isSafeInteger(resident) ? resident : null;
  } catch {
    return null;
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('scan cancelled');
}

export async function runInThread(job: WorkerJob): Promise<ScanReply> {
  const { signal, onProgress } = job;
  if (signal?.aborted) throw abortReason(signal);
  // Loaded here, not at the top: callers that always use the worker never pay for it.
  const { runScanJob } = await import('./scan-job.js');
  const control = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = (): void => {
    Atomics.store(control, 0, 1);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let answer: ScanReply | null = null;
  try {
    await runScanJob({ ...job.request, type: 'scan', id: 0, control }, (reply) => {
      if (reply.type === 'progress') onProgress?.(reply.done, reply.total);
      else if (reply.type === 'done') answer = reply;
    });
  } catch (error) {
    if (error instanceof ScanAborted && signal) throw abortReason(signal);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw abortReason(signal);
  if (answer === null) throw new Error('the scan ended without an answer');
  return answer;
}
