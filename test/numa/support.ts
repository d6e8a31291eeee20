/**
 * Shared by the tests that run inside the multi-node QEMU guests (scripts/test-numa.mjs boots
 * them). Everything here goes through numascope's own code: the native bindings, the proc
 * readers, the topology reader.
 */
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { movePages } from '../../native/index.js';
import { readNumaMaps } from '../../app/main/proc/numaMaps.js';
import { readSmaps } from '../../app/main/proc/smaps.js';
import { readTopology } from '../../app/main/system/topology.js';
import { Target, type TargetRegion } from '../helpers/target.js';
export { random } from '../helpers/random.js';

const topology = await readTopology();

/** Online node ids, ascending. */
export const nodes: number[] = topology.nodes.map((n) => n.id);
/** A node with memory and no CPU (the cxl topology's node 2), if there is one. */
export const cpulessNode: number | null = topology.nodes.find((n) => n.cpuless && topology.withMemory.includes(n.id))?.id ?? null;
/** What scripts/test-numa.mjs says it booted, or what sysfs shows. */
export const topologyName: string = process.env['NUMASCOPE_TOPOLOGY'] ?? (cpulessNode !== null ? 'cxl' : `${nodes.length}-node`);

/** The running kernel's series, e.g. "6.12" (the guests boot Debian's 6.1 or 6.12). */
export const kernelSeries: string = /^\d+\.\d+/.exec(release())?.[0] ?? release();
/** True when the running kernel is major.minor or newer. */
export function kernelAtLeast(major: number, minor: number): boolean {
  const [ownMajor = 0, ownMinor = 0] = kernelSeries.split('.').map(Number);
  return ownMajor > major || (ownMajor === major && ownMinor >= minor);
}
/** How each test names where it ran: the topology and the kernel, e.g. "cxl, Linux 6.12". */
export const guestName = `${topologyName}, Linux ${kernelSeries}`;

/** Given to test() so that on a one-node machine the suite skips instead of failing. */
export const multiNode: { skip: string | false } = {
  skip: nodes.length < 2 ? `needs at least two NUMA nodes (this machine has ${nodes.length}); run them with npm run test:numa` : false,
};

/** A target whose memory starts on node 0 (first touch would otherwise follow the CPU). */
export function startTarget(args: string[]): Promise<Target> {
  return Target.start(args, { prefix: ['numactl', '--membind=0'] });
}

export function pagesOf(region: { start: bigint; end: bigint }, pageSize = 4096): number {
  return Number((region.end - region.start) / BigInt(pageSize));
}

export function addressesOf(region: { start: bigint; end: bigint }, pageSize = 4096): BigUint64Array {
  const out = new BigUint64Array(pagesOf(region, pageSize));
  for (let i = 0; i < out.length; i++) out[i] = region.start + BigInt(i * pageSize);
  return out;
}

/** Where every page of a range is, by asking move_pages in query mode. */
export async function placement(pid: number, region: { start: bigint; end: bigint }): Promise<Int32Array> {
  return (await movePages(pid, addressesOf(region), null, 0)).status;
}

/** Pages per node (or status) of a placement, as a plain object for deepEqual. */
export function histogram(status: Int32Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of status) out[s] = (out[s] ?? 0) + 1;
  return out;
}

/** numa_maps' per-node page counts for the mapping that starts at region.start. */
export async function numaMapsOf(pid: number, region: TargetRegion): Promise<Record<string, number>> {
  const entry = (await readNumaMaps(pid)).find((e) => e.start === region.start);
  if (!entry) throw new Error(`numa_maps of ${pid} has no mapping at 0x${region.start.toString(16)}`);
  return Object.fromEntries([...entry.pagesByNode].sort(([a], [b]) => a - b).map(([node, pages]) => [String(node), pages]));
}

/** AnonHugePages of the mapping at region.start, in bytes. */
export async function anonHugeBytes(pid: number, region: TargetRegion): Promise<number> {
  return (await readSmaps(pid)).find((e) => e.start === region.start)?.anonHugePages ?? 0;
}

/** /proc/vmstat counters, for the kernel's own count of huge page migrations. */
export async function vmstat(...keys: string[]): Promise<Record<string, number>> {
  const text = await readFile('/proc/vmstat', 'utf8');
  const out: Record<string, number> = {};
  for (const key of keys) out[key] = Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return out;
}

export { CLI, NOBODY, run, type Run } from '../helpers/cli.js';
export const hex = (value: bigint): string => `0x${value.toString(16)}`;
