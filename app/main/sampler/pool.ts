/**
 * The main thread's side of the sampler's worker threads: hands each scan to an idle worker
 * (starting one only when none is idle: a new one loads koffi and the sampler, about 0.1 s),
 * relays progress, turns an AbortSignal into the shared cancel flag, and rebuilds errors.
 *
 * Idle workers are unref'd, so they never keep a CLI process alive; a busy one is ref'd,
 * because a pending promise alone would not keep Node running until the scan ends.
 */
import { Worker } from 'node:worker_threads';
import { NativeError } from '../../../native/index.js';
import { ProcError, ProcParseError } from '../proc/errors.js';
import { SamplerLimitError, TargetChangedError } from './errors.js';
import type { ScanReply, ScanRequest, SerializedError, WorkerReply } from './protocol.js';
import { samplerWorkerUrl } from './worker-location.js';

/** More idle workers than this are ended: a few concurrent scans are the most anyone runs. */
const MAX_IDLE = 2;

export interface WorkerJob {
  request: Omit<ScanRequest, 'type' | 'id' | 'control'>;
  signal?: AbortSignal | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

const idle: Worker[] = [];
let nextId = 1;

function startWorker(): Worker {
  return new Worker(samplerWorkerUrl());
}

function release(worker: Worker): void {
  worker.removeAllListeners('message');
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  if (idle.length >= MAX_IDLE) {
    void worker.terminate();
    return;
  }
  worker.unref();
  idle.push(worker);
}

/** The worker's error as the class callers check for (a thrown error loses its class crossing threads). */
function rebuild(error: SerializedError): Error {
  let rebuilt: Error;
  if (error.syscall !== undefined && error.errno !== undefined) rebuilt = new NativeError(error.syscall, error.errno);
  else if (error.name === 'ProcError' && error.code !== undefined) rebuilt = new ProcError(error.code, error.pid ?? 0, error.message);
  else if (error.name === 'TargetChangedError') rebuilt = new TargetChangedError(error.message);
  else if (error.name === 'SamplerLimitError') rebuilt = new SamplerLimitError(error.message);
  else if (error.name === 'ProcParseError') rebuilt = new ProcParseError(error.message);
  else {
    rebuilt = new Error(error.message);
    rebuilt.name = error.name;
  }
  rebuilt.message = error.message;
  return rebuilt;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('scan cancelled');
}

/** Runs one scan on a worker thread; the status arrays in the request must be SharedArrayBuffer-backed. */
export function runOnWorker(job: WorkerJob): Promise<ScanReply> {
  const { signal, onProgress } = job;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const worker = idle.pop() ?? startWorker();
  worker.ref();
  const id = nextId++;
  const control = new Int32Array(new SharedArrayBuffer(4));
  const request: ScanRequest = { ...job.request, type: 'scan', id, control };
  return new Promise<ScanReply>((resolve, reject) => {
    const onAbort = (): void => {
      Atomics.store(control, 0, 1);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (reusable: boolean): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (reusable) release(worker);
      else void worker.terminate();
    };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.id !== id) return;
      switch (reply.type) {
        case 'progress':
          onProgress?.(reply.done, reply.total);
          return;
        case 'done':
          finish(true);
          // A scan cancelled while its answer was on the way is still a cancelled scan.
          if (signal?.aborted) reject(abortReason(signal));
          else resolve(reply);
          return;
        case 'error':
          finish(true);
          reject(reply.aborted && signal ? abortReason(signal) : rebuild(reply.error));
          return;
      }
    });
    worker.on('error', (error) => {
      if (settled) return;
      finish(false);
      reject(error);
    });
    worker.on('exit', (code) => {
      if (settled) return;
      finish(false);
      reject(new Error(`the sampler's worker thread exited (code ${code}) during a scan`));
    });
    worker.postMessage(request);
  });
}
