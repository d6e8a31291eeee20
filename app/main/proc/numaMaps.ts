/**
 * /proc/PID/numa_maps: per mapping, the memory policy and how many pages sit on each node.
 * Cheap compared to asking move_pages about every page, so it serves as totals and as a
 * cross-check of a page-level scan (it is what numastat -p reads).
 */
import type { NumaMapsEntry } from '../../common/types.js';
import { ProcParseError, readProcText } from './errors.js';
import { unescapeOctal } from './maps.js';

/** Everything numa_maps prints; a NumaMapsEntry with the less common counters too. */
export interface NumaMapsDetail extends NumaMapsEntry {
  heap: boolean;
  stack: boolean;
  /** Highest map count of any page (printed when > 1: pages shared with other processes). */
  mapmax: number;
  swapcache: number;
  active: number;
  writeback: number;
}

export interface NumaMapsOptions {
  /**
   * Bytes, for mappings with no resident pages: the kernel prints kernelpagesize_kB only
   * when it counted at least one page.
   */
  pageSize?: number;
}

// Two policy names contain a space (mm/mempolicy.c policy_modes[]).
const TWO_WORD_POLICIES: Record<string, string> = { prefer: '(many)', weighted: 'interleave' };

export function parseNumaMapsLine(line: string, options: NumaMapsOptions = {}): NumaMapsDetail {
  const tokens = line.split(' ');
  const address = tokens[0] ?? '';
  let policy = tokens[1];
  if (address === '' || policy === undefined) throw new ProcParseError(`malformed numa_maps line: ${JSON.stringify(line)}`);
  let i = 2;
  const second = TWO_WORD_POLICIES[policy];
  if (second !== undefined && tokens[2]?.startsWith(second)) {
    policy = `${policy} ${tokens[2]}`;
    i = 3;
  }
  const entry: NumaMapsDetail = {
    start: BigInt(`0x${address}`),
    policy,
    file: null,
    pagesByNode: new Map(),
    anon: 0,
    dirty: 0,
    mapped: 0,
    kernelPageSize: options.pageSize ?? 4096,
    huge: false,
    heap: false,
    stack: false,
    mapmax: 0,
    swapcache: 0,
    active: -1,
    writeback: 0,
  };
  let mapped = -1;
  let total = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const eq = token.indexOf('=');
    if (eq < 0) {
      if (token === 'heap') entry.heap = true;
      else if (token === 'stack') entry.stack = true;
      else if (token === 'huge') entry.huge = true;
      continue;
    }
    const key = token.slice(0, eq);
    const text = token.slice(eq + 1);
    // The kernel escapes spaces, tabs, newlines and '=' in the path, so it is one token.
    if (key === 'file') {
      entry.file = unescapeOctal(text);
      continue;
    }
    const value = Number(text);
    if (!Number.isFinite(value)) throw new ProcParseError(`malformed numa_maps field ${JSON.stringify(token)} in ${JSON.stringify(line)}`);
    if (key.charCodeAt(0) === 78 /* N */ && key.length > 1) {
      const node = Number(key.slice(1));
      if (Number.isInteger(node)) {
        entry.pagesByNode.set(node, value);
        total += value;
        continue;
      }
    }
    switch (key) {
      case 'anon': entry.anon = value; break;
      case 'dirty': entry.dirty = value; break;
      case 'mapped': mapped = value; break;
      case 'mapmax': entry.mapmax = value; break;
      case 'swapcache': entry.swapcache = value; break;
      case 'active': entry.active = value; break;
      case 'writeback': entry.writeback = value; break;
      case 'kernelpagesize_kB': entry.kernelPageSize = value * 1024; break;
      default: break; // Fields a newer kernel may add.
    }
  }
  // The kernel omits mapped= when it equals anon= or dirty=, and active= when every page
  // is active; the node counts always add up to the page total.
  entry.mapped = mapped >= 0 ? mapped : total;
  if (entry.active < 0) entry.active = entry.huge ? 0 : total;
  return entry;
}

export function parseNumaMaps(text: string, options: NumaMapsOptions = {}): NumaMapsDetail[] {
  const entries: NumaMapsDetail[] = [];
  for (const line of text.split('\n')) if (line !== '') entries.push(parseNumaMapsLine(line, options));
  return entries;
}

export async function readNumaMaps(pid: number, options: NumaMapsOptions = {}): Promise<NumaMapsDetail[]> {
  return parseNumaMaps(await readProcText(pid, 'numa_maps'), options);
}
