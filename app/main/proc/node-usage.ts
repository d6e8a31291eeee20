/**
 * A process's memory per NUMA node from the totals in /proc/PID/numa_maps: one file read and
 * no per-page query, so it is cheap enough to do for every process on the machine (the
 * process list, `ps --nodes`, metrics).
 *
 * It totals what `numastat -p PID` totals: every N<node>=<pages> count of every mapping,
 * times the mapping's page size. numa_maps counts a transparent huge page as the base pages
 * it spans (kernelpagesize_kB=4), so THP lands among the ordinary pages, as in numastat's
 * "Private" rows; only hugetlbfs mappings (the "huge" keyword) count huge pages, which
 * numastat shows in its "Huge" row and which are kept apart here too. numastat multiplies
 * those by the default huge page size from /proc/meminfo; this reader uses each mapping's own
 * kernelpagesize_kB, which is the same for default-sized huge pages and right for others.
 *
 * This is a standalone reader: parseNumaMaps (numaMaps.ts) builds an object per mapping for
 * the region table, which this one does not need.
 */
import { readPageSize } from '../system/pageSize.js';
import { ProcParseError, readProcText } from './errors.js';

export interface ProcessNodeUsage {
  /** Bytes on each node that has any, hugetlbfs pages included (numastat's "Total" row). */
  bytesByNode: Map<number, number>;
  /** The part of bytesByNode in hugetlbfs mappings (numastat's "Huge" row). */
  hugetlbBytesByNode: Map<number, number>;
  /** The sum of bytesByNode. */
  totalBytes: number;
}

function add(map: Map<number, number>, node: number, bytes: number): void {
  map.set(node, (map.get(node) ?? 0) + bytes);
}

/**
 * Totals one numa_maps text. `basePageSize` is used for a mapping that does not print
 * kernelpagesize_kB (the kernel leaves it out only when it counted no page there).
 */
export function parseProcessNodeUsage(text: string, basePageSize: number): ProcessNodeUsage {
  const usage: ProcessNodeUsage = { bytesByNode: new Map(), hugetlbBytesByNode: new Map(), totalBytes: 0 };
  const nodes: number[] = [];
  const pages: number[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    nodes.length = 0;
    pages.length = 0;
    let pageSize = basePageSize;
    let hugetlb = false;
    const tokens = line.split(' ');
    // tokens[0] is the address and tokens[1] the policy; a file= path has its spaces escaped.
    for (let i = 2; i < tokens.length; i++) {
      const token = tokens[i] as string;
      if (token === 'huge') {
        hugetlb = true;
      } else if (token.charCodeAt(0) === 78 /* N */) {
        const eq = token.indexOf('=');
        const node = Number(token.slice(1, eq));
        const count = Number(token.slice(eq + 1));
        if (eq < 2 || !Number.isInteger(node) || !Number.isInteger(count)) throw new ProcParseError(`malformed numa_maps field ${JSON.stringify(token)}`);
        nodes.push(node);
        pages.push(count);
      } else if (token.startsWith('kernelpagesize_kB=')) {
        const kib = Number(token.slice('kernelpagesize_kB='.length));
        if (!Number.isInteger(kib) || kib <= 0) throw new ProcParseError(`malformed numa_maps field ${JSON.stringify(token)}`);
        pageSize = kib * 1024;
      }
    }
    for (let j = 0; j < nodes.length; j++) {
      const bytes = (pages[j] as number) * pageSize;
      add(usage.bytesByNode, nodes[j] as number, bytes);
      if (hugetlb) add(usage.hugetlbBytesByNode, nodes[j] as number, bytes);
      usage.totalBytes += bytes;
    }
  }
  return usage;
}

/** Reads and totals /proc/PID/numa_maps (ProcError on failure, ESRCH once the process is gone). */
export async function readProcessNodeUsage(pid: number, basePageSize?: number): Promise<ProcessNodeUsage> {
  const [text, pageSize] = await Promise.all([readProcText(pid, 'numa_maps'), basePageSize ?? readPageSize()]);
  return parseProcessNodeUsage(text, pageSize);
}
