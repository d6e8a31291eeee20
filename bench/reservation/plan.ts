/**
 * Child of bench/reservation/run.ts: one move:plan of a whole process through the service, in
 * a process of its own so that its peak memory is the plan's. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { NumascopeService, defaultDeps } from '../../app/main/service/index.js';

const pid = Number(process.argv[2]);
const deps = defaultDeps();
const identity = await deps.readIdentity(pid);
const service = new NumascopeService(deps);
const started = performance.now();
const plan = await service.handle('move:plan', { pid, startTime: identity.startTime, ranges: [{ start: '0x0', end: '0xffffffffffffffff' }], toNode: 0, moveAll: false });
const ms = performance.now() - started;
await service.close();
const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
process.stdout.write(`${JSON.stringify({ ms, peakKiB, plan })}\n`);
