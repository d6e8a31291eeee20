/**
 * The multi-node QEMU rig (test/numa-vm/guest.mjs) as TypeScript sees it: the rig is plain
 * JavaScript outside tsc's view, loaded by path so the build does not try to compile it.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './target.js';

export interface GuestRunOptions {
  topology: 'two-node' | 'cxl';
  /** Run with bash as root in the guest, cwd the repository root. */
  script: string;
  timeoutMs: number;
  /** A host directory the guest sees as $NUMA_VM_OUT. */
  outDir: string;
  /** A host port forwarded to a guest port. */
  forwardPort?: { host: number; guest: number };
  onOutput(chunk: string): void;
  signal: AbortSignal;
}

export interface GuestRig {
  runInGuest(options: GuestRunOptions): Promise<{ exitCode: number; output: string; durationMs: number }>;
}

export async function loadGuestRig(): Promise<GuestRig> {
  return (await import(pathToFileURL(join(repoRoot, 'test', 'numa-vm', 'guest.mjs')).href)) as GuestRig;
}
