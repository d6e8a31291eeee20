/**
 * /proc/PID/smaps: per mapping RSS, PSS, swap and huge page use. A large process has tens
 * of thousands of mappings (a JVM or a database easily), about 25 lines each, so this is
 * one pass over the text with indexOf and a switch on the key, no regex and no split.
 */
import type { SmapsEntry } from '../../common/types.js';
import { ProcParseError, readProcText } from './errors.js';

/** SmapsEntry plus the other counters smaps prints (bytes). */
export interface SmapsDetail extends SmapsEntry {
  size: number;
  sharedClean: number;
  sharedDirty: number;
  privateClean: number;
  privateDirty: number;
  referenced: number;
  swapPss: number;
  locked: number;
}

function emptyEntry(start: bigint, end: bigint): SmapsDetail {
  return {
    start,
    end,
    rss: 0,
    pss: 0,
    anonymous: 0,
    swap: 0,
    anonHugePages: 0,
    shmemPmdMapped: 0,
    filePmdMapped: 0,
    sharedHugetlb: 0,
    privateHugetlb: 0,
    kernelPageSize: 0,
    mmuPageSize: 0,
    thpEligible: false,
    vmFlags: [],
    size: 0,
    sharedClean: 0,
    sharedDirty: 0,
    privateClean: 0,
    privateDirty: 0,
    referenced: 0,
    swapPss: 0,
    locked: 0,
  };
}

// Mapping headers start with a lowercase hex address; field lines with a capitalised key.
function isHeader(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102);
}

/** The decimal number after the padding (stops at " kB"), without allocating a substring. */
function readNumber(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && text.charCodeAt(i) === 32) i++;
  let value = 0;
  for (; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

export function parseSmaps(text: string): SmapsDetail[] {
  const entries: SmapsDetail[] = [];
  let current: SmapsDetail | undefined;
  let from = 0;
  const length = text.length;
  while (from < length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = length;
    if (to === from) {
      from = to + 1;
      continue;
    }
    if (isHeader(text.charCodeAt(from))) {
      const dash = text.indexOf('-', from);
      const space = text.indexOf(' ', dash);
      if (dash < 0 || dash > to || space < 0 || space > to) throw new ProcParseError(`malformed smaps header: ${JSON.stringify(text.slice(from, to))}`);
      current = emptyEntry(BigInt(`0x${text.slice(from, dash)}`), BigInt(`0x${text.slice(dash + 1, space)}`));
      entries.push(current);
      from = to + 1;
      continue;
    }
    const colon = text.indexOf(':', from);
    if (current === undefined || colon < 0 || colon > to) throw new ProcParseError(`malformed smaps line: ${JSON.stringify(text.slice(from, to))}`);
    const key = text.slice(from, colon);
    if (key === 'VmFlags') {
      const flags = text.slice(colon + 1, to).trim();
      current.vmFlags = flags === '' ? [] : flags.split(' ');
    } else {
      const value = readNumber(text, colon + 1, to);
      const bytes = value * 1024;
      switch (key) {
        case 'Size': current.size = bytes; break;
        case 'KernelPageSize': current.kernelPageSize = bytes; break;
        case 'MMUPageSize': current.mmuPageSize = bytes; break;
        case 'Rss': current.rss = bytes; break;
        case 'Pss': current.pss = bytes; break;
        case 'Shared_Clean': current.sharedClean = bytes; break;
        case 'Shared_Dirty': current.sharedDirty = bytes; break;
        case 'Private_Clean': current.privateClean = bytes; break;
        case 'Private_Dirty': current.privateDirty = bytes; break;
        case 'Referenced': current.referenced = bytes; break;
        case 'Anonymous': current.anonymous = bytes; break;
        case 'AnonHugePages': current.anonHugePages = bytes; break;
        case 'ShmemPmdMapped': current.shmemPmdMapped = bytes; break;
        case 'FilePmdMapped': current.filePmdMapped = bytes; break;
        case 'Shared_Hugetlb': current.sharedHugetlb = bytes; break;
        case 'Private_Hugetlb': current.privateHugetlb = bytes; break;
        case 'Swap': current.swap = bytes; break;
        case 'SwapPss': current.swapPss = bytes; break;
        case 'Locked': current.locked = bytes; break;
        // A count, not kB: 1 when the mapping may be backed by transparent huge pages.
        case 'THPeligible': current.thpEligible = value === 1; break;
        default: break; // Pss_Dirty, KSM, LazyFree, ProtectionKey, and whatever comes next.
      }
    }
    from = to + 1;
  }
  return entries;
}

export async function readSmaps(pid: number): Promise<SmapsDetail[]> {
  return parseSmaps(await readProcText(pid, 'smaps'));
}
