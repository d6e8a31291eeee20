/**
 * What the host test and its guest side (guest-side.ts) exchange through the guest's output
 * folder, a 9p share both see. The guest mounts it uncached, so a file the host writes is
 * visible to the guest's next lookup; files appear by rename, so neither side ever reads a
 * half-written one.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The port serve listens on in the guest; the host reaches it through QEMU's hostfwd. */
export const GUEST_PORT = 8080;

export const FILES = {
  /** guest -> host: serve is listening; a Ready. */
  ready: 'ready.json',
  /** guest -> host: /proc/PID/numa_maps as it was when serve came up. */
  before: 'before.numa_maps',
  /** host -> guest: the UI reported the move; read numa_maps now. */
  moved: 'moved',
  /** guest -> host: /proc/PID/numa_maps after the move. */
  after: 'after.numa_maps',
  /** host -> guest: the UI reported the whole-node move (node 0's label dropped on node 1); read numa_maps now. */
  nodeMoved: 'node-moved',
  /** guest -> host: /proc/PID/numa_maps after the whole-node move. */
  afterNode: 'after-node.numa_maps',
  /** host -> guest: the browser is done; stop serve and the target and power off. */
  finish: 'finish',
  /** guest -> host: the guest side gave up; the reason. */
  failed: 'failed.txt',
} as const;

export interface Ready {
  /** The target process in the guest. */
  pid: number;
  pageSize: number;
  /** The target's 64 MiB region, as 0x hex. */
  regionStart: string;
  regionEnd: string;
  /** The first line's URL, as serve printed it in the guest (guest port). */
  url: string;
}

export function writeAtomically(dir: string, name: string, text: string): void {
  const partial = join(dir, `.${name}.partial`);
  writeFileSync(partial, text);
  renameSync(partial, join(dir, name));
}

export function present(dir: string, name: string): boolean {
  return existsSync(join(dir, name));
}

/**
 * Pages per node ("N0=...") of the numa_maps line for the mapping that starts at `start`,
 * parsed here rather than with numascope's own reader so that the check does not share a bug
 * with the code under test. Null when no mapping starts there.
 */
export function nodePagesAt(numaMaps: string, start: bigint): Record<string, number> | null {
  for (const line of numaMaps.split('\n')) {
    const [address, ...fields] = line.trim().split(/\s+/);
    if (address === undefined || !/^[0-9a-f]+$/.test(address) || BigInt(`0x${address}`) !== start) continue;
    const pages: Record<string, number> = {};
    for (const field of fields) {
      const match = /^N(\d+)=(\d+)$/.exec(field);
      if (match) pages[match[1] as string] = Number(match[2]);
    }
    return pages;
  }
  return null;
}
