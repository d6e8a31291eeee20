/**
 * The sampler's worker thread: runs whole scans (scan-job.ts) so the main thread does no
 * per-page work and never waits on the kernel or on /proc; even the small /proc reads are
 * cheaper here (synchronous, no thread-pool round trips). One scan at a time per worker;
 * pool.ts hands out workers.
 */
import { parentPort } from 'node:worker_threads';
import { prefault } from '../../../native/sync.js';
import { setSlabWarmer } from '../../common/status-store.js';
import { ScanAborted } from './engine.js';
import type { ScanRequest, WorkerReply } from './protocol.js';
import { runScanJob, serializeScanError } from './scan-job.js';

const port = parentPort;
if (port) {
  const post = (reply: WorkerReply): void => port.postMessage(reply);
  let warming = false;
  port.on('message', (request: ScanRequest) => {
    if (!warming) {
      // The blocks this thread writes are faulted in on koffi's threads, a slab ahead of the scan.
      setSlabWarmer((slab) => void prefault(slab, request.pageSize, slab.byteLength));
      warming = true;
    }
    runScanJob(request, post).catch((error: unknown) => {
      post({ type: 'error', id: request.id, aborted: error instanceof ScanAborted, error: serializeScanError(error) });
    });
  });
}
