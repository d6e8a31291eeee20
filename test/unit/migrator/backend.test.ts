/** backend.ts: which mappings may hold huge folios. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hugeRangesOf, overlaps } from '../../../app/main/migrator/backend.js';
import type { SmapsEntry } from '../../../app/common/types.js';

const MiB = 1 << 20;
function entry(start: number, end: number, extra: Partial<SmapsEntry>): SmapsEntry {
  return { start: BigInt(start), end: BigInt(end), rss: 0, pss: 0, anonymous: 0, swap: 0, anonHugePages: 0, shmemPmdMapped: 0, filePmdMapped: 0, sharedHugetlb: 0, privateHugetlb: 0, kernelPageSize: 4096, mmuPageSize: 4096, thpEligible: true, vmFlags: ['rd', 'wr'], ...extra };
}

test('hugetlb mappings group by their page size, mappings with PMD-mapped pages by the PMD size', () => {
  const smaps = [
    entry(0, 4 * MiB, {}),
    entry(4 * MiB, 8 * MiB, { anonHugePages: 2 * MiB }),
    entry(8 * MiB, 16 * MiB, { shmemPmdMapped: 2 * MiB }),
    entry(16 * MiB, 20 * MiB, { filePmdMapped: 2 * MiB }),
    entry(1 << 30, 2 ** 31, { vmFlags: ['rd', 'wr', 'ht'], kernelPageSize: 1 << 30 }),
  ];
  assert.deepEqual(hugeRangesOf(smaps, 2 * MiB), [
    { start: BigInt(4 * MiB), end: BigInt(8 * MiB), folioSize: 2 * MiB },
    { start: BigInt(8 * MiB), end: BigInt(16 * MiB), folioSize: 2 * MiB },
    { start: BigInt(16 * MiB), end: BigInt(20 * MiB), folioSize: 2 * MiB },
    { start: 1n << 30n, end: 1n << 31n, folioSize: 1 << 30 },
  ]);
});

test('a huge range overlaps segments only when they share a byte', () => {
  const huge = [{ start: 0x200000n, end: 0x400000n, folioSize: 2 * MiB }];
  assert.equal(overlaps(huge, [{ start: 0n, end: 0x200000n }]), false);
  assert.equal(overlaps(huge, [{ start: 0x400000n, end: 0x500000n }]), false);
  assert.equal(overlaps(huge, [{ start: 0n, end: 0x1000n }, { start: 0x3ff000n, end: 0x401000n }]), true);
  assert.equal(overlaps([], [{ start: 0n, end: 0x1000n }]), false);
});
