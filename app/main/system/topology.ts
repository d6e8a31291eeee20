/**
 * The machine's NUMA topology from sysfs: nodes, their CPUs, memory, distances, and the
 * kernel's memory tiers. The sysfs root is a parameter so tests can build a fake tree.
 */
import { readFile, readdir } from 'node:fs/promises';
import { freemem, release, totalmem } from 'node:os';
import { parseNodeList } from '../../common/nodelist.js';
import type { MemoryTier, NumaNode, Topology } from '../../common/types.js';
import { ProcParseError } from '../proc/errors.js';
import { parseCpuList } from './idlist.js';
import { readPageSize } from './pageSize.js';

export interface TopologyOptions {
  /** Bytes; read from /proc/self/auxv when not given. */
  pageSize?: number;
  /** uname -r; os.release() when not given. */
  kernel?: string;
}

/** A node's distance row: one number per online node, in ascending node id order. */
export function parseDistance(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(/\s+/).map((word) => {
    const value = Number(word);
    if (!Number.isInteger(value)) throw new ProcParseError(`bad node distance row "${text.trim()}"`);
    return value;
  });
}

/**
 * nodeN/meminfo ("Node 0 MemTotal:  4942028 kB"): values by key, kB turned into bytes;
 * HugePages_* lines are counts and stay counts.
 */
export function parseNodeMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(line.lastIndexOf(' ', colon) + 1, colon);
    const rest = line.slice(colon + 1).trim();
    const number = parseInt(rest, 10);
    if (!Number.isFinite(number)) continue;
    values.set(key, rest.endsWith(' kB') ? number * 1024 : number);
  }
  return values;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
}

/** /sys/devices/virtual/memory_tiering/memory_tierN/nodelist; [] where the kernel has no tiers (before 6.1). */
export async function readMemoryTiers(root: string = '/sys'): Promise<MemoryTier[]> {
  const dir = `${root}/devices/virtual/memory_tiering`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const tiers: MemoryTier[] = [];
  for (const name of names) {
    const match = /^memory_tier(\d+)$/.exec(name);
    if (!match) continue;
    const text = await readText(`${dir}/${name}/nodelist`);
    if (text !== null) tiers.push({ id: Number(match[1]), nodes: parseNodeList(text) });
  }
  return tiers.sort((a, b) => a.id - b.id);
}

async function readNode(nodeDir: string, id: number, tiers: readonly MemoryTier[]): Promise<NumaNode> {
  const dir = `${nodeDir}/node${id}`;
  const [cpulist, meminfo, distance] = await Promise.all([
    readFile(`${dir}/cpulist`, 'utf8'),
    readFile(`${dir}/meminfo`, 'utf8'),
    readFile(`${dir}/distance`, 'utf8'),
  ]);
  const memory = parseNodeMeminfo(meminfo);
  const cpus = parseCpuList(cpulist);
  return {
    id,
    cpus,
    memTotal: memory.get('MemTotal') ?? 0,
    memFree: memory.get('MemFree') ?? 0,
    distances: parseDistance(distance),
    cpuless: cpus.length === 0,
    memoryTier: tiers.find((tier) => tier.nodes.includes(id))?.id ?? null,
  };
}

// A kernel built without CONFIG_NUMA has no node directory: present it as the one node it is.
async function flatTopology(root: string, tiers: MemoryTier[], pageSize: number, kernel: string): Promise<Topology> {
  const cpus = parseCpuList((await readText(`${root}/devices/system/cpu/online`)) ?? '0');
  const node: NumaNode = { id: 0, cpus, memTotal: totalmem(), memFree: freemem(), distances: [10], cpuless: false, memoryTier: null };
  return { nodes: [node], withMemory: [0], memoryTiers: tiers, pageSize, kernel };
}

export async function readTopology(root: string = '/sys', options: TopologyOptions = {}): Promise<Topology> {
  const nodeDir = `${root}/devices/system/node`;
  const [onlineText, hasMemoryText, memoryTiers, pageSize] = await Promise.all([
    readText(`${nodeDir}/online`),
    readText(`${nodeDir}/has_memory`),
    readMemoryTiers(root),
    options.pageSize ?? readPageSize(),
  ]);
  const kernel = options.kernel ?? release();
  if (onlineText === null) return flatTopology(root, memoryTiers, pageSize, kernel);
  const online = parseNodeList(onlineText);
  const nodes = await Promise.all(online.map((id) => readNode(nodeDir, id, memoryTiers)));
  return {
    nodes,
    withMemory: hasMemoryText === null ? online : parseNodeList(hasMemoryText).filter((id) => online.includes(id)),
    memoryTiers,
    pageSize,
    kernel,
  };
}

export function cpuToNodeMap(topology: Topology): Map<number, number> {
  const map = new Map<number, number>();
  for (const node of topology.nodes) for (const cpu of node.cpus) map.set(cpu, node.id);
  return map;
}
