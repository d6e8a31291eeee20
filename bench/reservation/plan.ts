/**
 * Child of bench/reservation/run.ts: one move:plan of a whole process through the service, in
 * a process of its own so that its peak memory is the plan's. Prints one JSON line.
 */
import { NumascopeService, defaultDeps } from '../../app/main/service/index.js';
import { IdlePoller } from '../../test/helpers/idle-poller.js';
import { ownPeakKiB } from '../../test/helpers/peak-memory.js';

const pid = Number(process.argv[2]);
const deps = defaultDeps();
const identity = await deps.readIdentity(pid);
// Moves and plans act only on the watched process; a poller that never scans keeps the plan
// to what the kernel answers, and the peak memory to the plan's own.
const service = new NumascopeService({ ...deps, createPoller: (_pid, intervalMs) => new IdlePoller(intervalMs) });
await service.handle('process:watch', { pid, intervalMs: 1000 });
const started = performance.now();
const plan = await service.handle('move:plan', { pid, startTime: identity.startTime, ranges: [{ start: '0x0', end: '0xffffffffffffffff' }], toNode: 0, moveAll: false });
const ms = performance.now() - started;
await service.close();
const peakKiB = ownPeakKiB();
process.stdout.write(`${JSON.stringify({ ms, peakKiB, plan })}\n`);
