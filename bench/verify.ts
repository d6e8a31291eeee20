/**
 * Is numascope's answer the kernel's answer? Compares a placement with the reference's
 * raw per-page dump (one int32 per page, mappings in address order), page by page.
 */
import { readFile } from 'node:fs/promises';
import { hex } from '../app/common/address.js';
import type { Placement } from '../app/common/types.js';
import { Fnv64 } from './stats.js';
import type { ReferenceResult } from './reference.js';

export interface Verdict {
  ok: boolean;
  pages: number;
  mismatches: number;
  /** Human-readable reasons, at most a handful. */
  details: string[];
}

export function placementPages(placement: Placement): number {
  return placement.regions.reduce((sum, r) => sum + r.status.length, 0);
}

export function placementHistogram(placement: Placement): Record<string, number> {
  const counts = new Map<number, number>();
  for (const region of placement.regions) {
    region.status.visitRuns(0, region.status.length, (start, end, value) => void counts.set(value, (counts.get(value) ?? 0) + end - start));
  }
  return Object.fromEntries([...counts.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]));
}

export function placementChecksum(placement: Placement): string {
  const hash = new Fnv64();
  for (const region of placement.regions) hash.update(region.status.toArray());
  return hash.hex();
}

/** Bytes the placement's status stores hold per tracked page. */
export function bytesPerPage(placement: Placement): number {
  let bytes = 0;
  for (const region of placement.regions) bytes += region.status.heldBytes;
  return bytes / placementPages(placement);
}

async function readDump(path: string): Promise<Int32Array> {
  const bytes = await readFile(path);
  // A copy guarantees 4-byte alignment whatever offset the Buffer has in its pool.
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  return new Int32Array(aligned.buffer, 0, bytes.length >> 2);
}

export async function compareWithDump(placement: Placement, reference: ReferenceResult, dumpPath: string): Promise<Verdict> {
  const details: string[] = [];
  const ours = placement.regions.map((r) => [r.vma.start, r.vma.end] as const);
  const theirs = reference.vmas.map(([s, e]) => [BigInt(s), BigInt(e)] as const);
  const sameMaps = ours.length === theirs.length && ours.every(([s, e], i) => s === theirs[i]?.[0] && e === theirs[i]?.[1]);
  if (!sameMaps) {
    details.push(`mappings differ: numascope ${ours.length}, reference ${theirs.length}`);
    return { ok: false, pages: placementPages(placement), mismatches: Number.NaN, details };
  }
  const dump = await readDump(dumpPath);
  const pages = placementPages(placement);
  if (dump.length !== pages) details.push(`page count: numascope ${pages}, reference ${dump.length}`);
  let at = 0;
  let mismatches = 0;
  for (const region of placement.regions) {
    const status = region.status;
    for (let i = 0; i < status.length; i++, at++) {
      if (status.get(i) === dump[at]) continue;
      mismatches++;
      if (details.length < 5) {
        const address = region.vma.start + BigInt(i * placement.pageSize);
        details.push(`${hex(address)} (${region.vma.name}): numascope ${status.get(i)}, reference ${dump[at]}`);
      }
    }
  }
  return { ok: mismatches === 0 && dump.length === pages, pages, mismatches, details };
}

/** Same pages in the same places: used between two numascope placements. */
export function comparePlacements(a: Placement, b: Placement): Verdict {
  const details: string[] = [];
  let mismatches = 0;
  let pages = 0;
  if (a.regions.length !== b.regions.length) details.push(`regions: ${a.regions.length} vs ${b.regions.length}`);
  const count = Math.min(a.regions.length, b.regions.length);
  for (let r = 0; r < count; r++) {
    const x = a.regions[r];
    const y = b.regions[r];
    if (!x || !y) continue;
    if (x.vma.start !== y.vma.start || x.vma.end !== y.vma.end) {
      details.push(`region ${r} bounds differ`);
      mismatches += Math.max(x.status.length, y.status.length);
      continue;
    }
    pages += x.status.length;
    for (let i = 0; i < x.status.length; i++) {
      if (x.status.get(i) === y.status.get(i)) continue;
      mismatches++;
      if (details.length < 5) details.push(`${hex(x.vma.start + BigInt(i * a.pageSize))}: ${x.status.get(i)} vs ${y.status.get(i)}`);
    }
  }
  return { ok: mismatches === 0 && details.length === 0, pages, mismatches, details };
}

export function sameHistogram(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if ((a[key] ?? 0) !== (b[key] ?? 0)) return false;
  return true;
}
