/**
 * cgroup v2 groups with their memory per node: for each group holding processes, anon + file
 * bytes per node from memory.numa_stat (which counts the group's whole subtree) and the nodes
 * its cpuset lets it use (cpuset.mems.effective). What `ps --cgroups` prints and the system
 * view's cgroup tab shows.
 *
 * The v2 hierarchy is found in /proc/self/mountinfo rather than assumed at /sys/fs/cgroup: a
 * hybrid machine mounts it at /sys/fs/cgroup/unified, and there the memory and cpuset
 * controllers usually belong to v1, so their files are missing and the figures are null.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupOverview, CgroupUsage, NodeBytes } from '../../common/system-overview.js';
import { parseNodeList } from '../../common/nodelist.js';
import { mapLimit } from './concurrency.js';

/** Groups walked at most (a machine running many containers has a few thousand). */
export const MAX_CGROUPS_WALKED = 8192;

/** The mount point of the first cgroup2 file system in a mountinfo text, or null. */
export function findCgroup2Mount(mountinfo: string): string | null {
  for (const line of mountinfo.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    if (line.slice(dash + 3).split(' ')[0] !== 'cgroup2') continue;
    const mountPoint = line.slice(0, dash).split(' ')[4];
    // mountinfo escapes space, tab, newline and backslash as octal.
    if (mountPoint !== undefined) return mountPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  }
  return null;
}

export interface NumaStat {
  anon: NodeBytes;
  file: NodeBytes;
}

/** memory.numa_stat: lines like `anon N0=1234 N1=0`, in bytes; only anon and file are kept. */
export function parseNumaStat(text: string): NumaStat {
  const stat: NumaStat = { anon: {}, file: {} };
  for (const line of text.split('\n')) {
    const [key, ...fields] = line.trim().split(/\s+/);
    if (key !== 'anon' && key !== 'file') continue;
    for (const field of fields) {
      const match = /^N(\d+)=(\d+)$/.exec(field);
      if (match !== null) stat[key][Number(match[1])] = Number(match[2]);
    }
  }
  return stat;
}

function sumOf(bytes: NodeBytes): number {
  return Object.values(bytes).reduce((sum, value) => sum + value, 0);
}

/** anon + file per node. */
export function numaStatNodeBytes(stat: NumaStat): NodeBytes {
  const total: NodeBytes = {};
  for (const part of [stat.anon, stat.file]) for (const [node, bytes] of Object.entries(part)) total[Number(node)] = (total[Number(node)] ?? 0) + bytes;
  return total;
}

/** A file's text, or null when the group does not have it (its controller is not enabled there). */
async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENODEV' || code === 'EOPNOTSUPP') return null;
    throw error;
  }
}

function countLines(text: string): number {
  let lines = 0;
  for (const line of text.split('\n')) if (line !== '') lines++;
  return lines;
}

async function readGroup(mount: string, relative: string): Promise<CgroupUsage | null> {
  const dir = join(mount, relative);
  const procs = await readOptional(join(dir, 'cgroup.procs'));
  // Gone meanwhile, or holding no process of its own.
  if (procs === null || countLines(procs) === 0) return null;
  const [numaStat, mems] = await Promise.all([readOptional(join(dir, 'memory.numa_stat')), readOptional(join(dir, 'cpuset.mems.effective'))]);
  const stat = numaStat === null ? null : parseNumaStat(numaStat);
  return {
    path: relative === '' ? '/' : `/${relative}`,
    processes: countLines(procs),
    nodeBytes: stat === null ? null : numaStatNodeBytes(stat),
    anonBytes: stat === null ? null : sumOf(stat.anon),
    fileBytes: stat === null ? null : sumOf(stat.file),
    memsEffective: mems === null ? null : parseNodeList(mems),
  };
}

/** Every group below mount, as paths relative to it ('' for the root), parents first. */
async function walkGroups(mount: string, limit: number): Promise<string[]> {
  const found = [''];
  for (let i = 0; i < found.length && found.length < limit; i++) {
    const relative = found[i] as string;
    let entries: Dirent[];
    try {
      entries = await readdir(join(mount, relative), { withFileTypes: true });
    } catch {
      continue; // removed while we walked
    }
    for (const entry of entries) {
      if (entry.isDirectory() && found.length < limit) found.push(relative === '' ? entry.name : `${relative}/${entry.name}`);
    }
  }
  return found;
}

function controllerNote(controllers: Set<string>): string | null {
  const missing = ['memory', 'cpuset'].filter((name) => !controllers.has(name));
  if (missing.length === 0) return null;
  const lost = missing.map((name) => (name === 'memory' ? 'bytes per node' : 'allowed nodes')).join(' and ');
  return `the ${missing.join(' and ')} controller${missing.length > 1 ? 's are' : ' is'} not on the cgroup v2 hierarchy here (bound to cgroup v1, or not built), so ${lost} cannot be shown`;
}

export interface CgroupOptions {
  /** The v2 mount to read (default: found in /proc/self/mountinfo). */
  mount?: string;
  limit?: number;
}

/** The groups that hold processes, by path. */
export async function readCgroups(options: CgroupOptions = {}): Promise<CgroupOverview> {
  const mount = options.mount ?? findCgroup2Mount(await readFile('/proc/self/mountinfo', 'utf8'));
  if (mount === null) return { mount: null, groups: [], note: 'cgroup v2 is not mounted' };
  const controllers = new Set(((await readOptional(join(mount, 'cgroup.controllers'))) ?? '').trim().split(/\s+/));
  const paths = await walkGroups(mount, options.limit ?? MAX_CGROUPS_WALKED);
  const groups = (await mapLimit(paths, 16, (relative) => readGroup(mount, relative))).filter((group): group is CgroupUsage => group !== null);
  groups.sort((a, b) => a.path.localeCompare(b.path));
  return { mount, groups, note: controllerNote(controllers) };
}
