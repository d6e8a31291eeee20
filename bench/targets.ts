/**
 * Target processes for the benchmark. Each holds gigabytes, so every one started is
 * tracked and stopped however the run ends: normally, by an exception, or by Ctrl-C.
 */
import { readFile } from 'node:fs/promises';
import { Target } from '../test/helpers/target.js';

const live = new Set<Target>();
let handlersInstalled = false;

function killAll(): void {
  for (const target of live) {
    try {
      target.kill();
    } catch {
      // Already gone: nothing left to free.
    }
  }
  live.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.stderr.write(`\nbench: ${signal}, targets stopped\n`);
      process.exit(130);
    });
  }
  // Last resort for process.exit() paths that skip finally blocks.
  process.on('exit', killAll);
}

/** Runs `body` with a started target and always stops it afterwards. */
export async function withTarget<T>(args: string[], body: (target: Target) => Promise<T>): Promise<T> {
  installHandlers();
  const target = await Target.start(args);
  live.add(target);
  try {
    return await body(target);
  } finally {
    live.delete(target);
    await target.stop().catch(() => target.kill());
  }
}

export interface ThpState {
  /** The mode from /sys/kernel/mm/transparent_hugepage/enabled, e.g. "madvise". */
  mode: string;
  /** Bytes of the target's anonymous memory that sit in huge pages. */
  anonHugeBytes: number;
}

export async function thpMode(): Promise<string> {
  try {
    const text = await readFile('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
    return /\[(\w+)\]/.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unavailable';
  }
}

export async function thpState(pid: number): Promise<ThpState> {
  const mode = await thpMode();
  let anonHugeBytes = 0;
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = /^AnonHugePages:\s+(\d+) kB/m.exec(rollup)?.[1];
    if (kb !== undefined) anonHugeBytes = Number(kb) * 1024;
  } catch {
    // No smaps_rollup (the process exited, or a kernel before 4.14): report none.
  }
  return { mode, anonHugeBytes };
}
