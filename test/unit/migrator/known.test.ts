/** Which pages of a move numa_maps places without a query, and when reading it is worth it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knownSpans, numaMapsWorthReading } from '../../../app/main/migrator/known.js';
import type { NumaMapsEntry } from '../../../app/common/types.js';

const PAGE = 4096;
const MiB = 1n << 20n;

function entry(start: bigint, byNode: [number, number][], extra: Partial<NumaMapsEntry> = {}): NumaMapsEntry {
  return { start, policy: 'default', file: null, pagesByNode: new Map(byNode), anon: 0, dirty: 0, mapped: 0, kernelPageSize: PAGE, huge: false, ...extra };
}

// Five mappings of 1 MiB (256 pages) each, 1 MiB apart.
const vmas = [0n, 2n, 4n, 6n, 8n].map((m) => ({ start: m * MiB, end: (m + 1n) * MiB }));

test('a mapping wholly present on one node is known; mixed, partly present, huge or odd-sized ones are not', () => {
  const entries = [
    entry(vmas[0]!.start, [[1, 256]]),
    entry(vmas[1]!.start, [[0, 200], [1, 56]]),
    entry(vmas[2]!.start, [[0, 255]]),
    entry(vmas[3]!.start, [[0, 1]], { huge: true, kernelPageSize: 2 << 20 }),
    entry(vmas[4]!.start, [[0, 256]], { kernelPageSize: 65536 }),
  ];
  // Each whole mapping, laid end to end: pages 0-255, 256-511, ...
  const segments = vmas.map((v, vma) => ({ ...v, vma }));
  assert.deepEqual(knownSpans(segments, vmas, entries, PAGE), [{ from: 0, to: 256, node: 1 }]);
});

test('spans follow the page list: a part of a mapping, the offsets of earlier segments, neighbours on one node joined', () => {
  const entries = [entry(vmas[0]!.start, [[1, 256]]), entry(vmas[1]!.start, [[1, 256]]), entry(vmas[2]!.start, [[0, 100]]), entry(vmas[3]!.start, [[2, 256]])];
  const segments = [
    // The second half of mapping 0, all of mapping 1, 16 pages of mapping 2, 8 pages of mapping 3.
    { start: vmas[0]!.start + MiB / 2n, end: vmas[0]!.end, vma: 0 },
    { ...vmas[1]!, vma: 1 },
    { start: vmas[2]!.start, end: vmas[2]!.start + 16n * BigInt(PAGE), vma: 2 },
    { start: vmas[3]!.start, end: vmas[3]!.start + 8n * BigInt(PAGE), vma: 3 },
  ];
  assert.deepEqual(knownSpans(segments, vmas, entries, PAGE), [
    { from: 0, to: 128 + 256, node: 1 },
    { from: 128 + 256 + 16, to: 128 + 256 + 16 + 8, node: 2 },
  ]);
});

test('a mapping numa_maps does not list (it changed in between) is left to the query', () => {
  assert.deepEqual(knownSpans([{ ...vmas[0]!, vma: 0 }], vmas, [entry(123n * MiB, [[0, 256]])], PAGE), []);
});

test('numa_maps is read only when the range is at least half of what the process has resident', () => {
  assert.deepEqual(
    [numaMapsWorthReading(131072, 131500), numaMapsWorthReading(500, 1000), numaMapsWorthReading(499, 1000), numaMapsWorthReading(1, Number.POSITIVE_INFINITY), numaMapsWorthReading(0, 0)],
    [true, true, false, false, false],
  );
});
