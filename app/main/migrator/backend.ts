/**
 * What a move needs from the outside world: move_pages, whether the process is still the one
 * planned for, and which mappings may hold huge folios. Tests substitute a simulated kernel to
 * drive the paths a one-node machine cannot (busy pages, pinned pages, huge folios).
 */
import { readFile } from 'node:fs/promises';
import { movePages } from '../../../native/index.js';
import type { ProcessIdentity, SmapsEntry } from '../../common/types.js';
import { readSmaps } from '../proc/smaps.js';
import type { AddressRange, HugeRange } from './plan.js';
import { whyGoneNow } from './preflight.js';

export interface MoveBackend {
  /**
   * `notMoved` is the call's return value: 0 when every status was written, a positive count
   * when a batch failed and the kernel stopped writing statuses. Left out, it is taken as
   * unknown, and every page of the call is asked about again.
   */
  movePages(pid: number, pages: BigUint64Array, nodes: Int32Array | null, flags: number, status?: Int32Array): Promise<{ status: Int32Array; notMoved?: number }>;
  /** Why the process can no longer be acted on, or null while it is there. */
  whyGone(identity: ProcessIdentity): Promise<string | null>;
  /** Mappings that may hold huge folios. */
  hugeRanges(pid: number): Promise<HugeRange[]>;
}

export const kernelBackend: MoveBackend = { movePages, whyGone: async (identity) => whyGoneNow(identity), hugeRanges: readHugeRanges };

/** Mappings that may hold huge folios, with the folio size to group by. */
async function readHugeRanges(pid: number): Promise<HugeRange[]> {
  try {
    return hugeRangesOf(await readSmaps(pid), await readPmdSize());
  } catch {
    // Without hints every page goes on its own: slower for huge pages, never wrong.
    return [];
  }
}

/** The smaps entries that may hold huge folios; `pmdSize` is the size of a PMD-mapped one. */
export function hugeRangesOf(smaps: readonly SmapsEntry[], pmdSize: number): HugeRange[] {
  const ranges: HugeRange[] = [];
  for (const entry of smaps) {
    // 'ht': a hugetlb mapping, whose pages are all of the mapping's kernel page size.
    if (entry.vmFlags.includes('ht') && entry.kernelPageSize > 0) {
      ranges.push({ start: entry.start, end: entry.end, folioSize: entry.kernelPageSize });
    } else if (entry.anonHugePages > 0 || entry.shmemPmdMapped > 0 || entry.filePmdMapped > 0) {
      ranges.push({ start: entry.start, end: entry.end, folioSize: pmdSize });
    }
  }
  return ranges;
}

let pmdSize: Promise<number> | undefined;
function readPmdSize(): Promise<number> {
  pmdSize ??= readFile('/sys/kernel/mm/transparent_hugepage/hpage_pmd_size', 'utf8')
    .then((text) => Number(text.trim()) || 2 << 20)
    .catch(() => 2 << 20);
  return pmdSize;
}

/** Whether any page of the segments may lie in one of the huge ranges. */
export function overlaps(ranges: readonly HugeRange[], segments: readonly AddressRange[]): boolean {
  return ranges.some((r) => segments.some((s) => r.start < s.end && s.start < r.end));
}
