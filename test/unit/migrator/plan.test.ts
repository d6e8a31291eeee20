import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildMoveList,
  chunkMoveList,
  chunkRange,
  clipToVmas,
  hugeHints,
  normalizeRanges,
  nodeRemap,
  pageAddresses,
  pageAddressesOfRuns,
  runLength,
  segmentRuns,
  segmentsOfPages,
  type MoveList,
} from '../../../app/main/migrator/plan.js';

const PAGE = 4096;
const r = (start: number, end: number): { start: bigint; end: bigint } => ({ start: BigInt(start), end: BigInt(end) });

/** A move list as plain arrays, so one deepEqual compares all of it. */
function plain(list: MoveList): { addresses: number[]; nodes: number[]; first: number[]; count: number[] } {
  return {
    addresses: [...list.addresses].map(Number),
    nodes: [...list.nodes],
    first: [...list.first],
    count: [...list.count],
  };
}

test('normalizeRanges widens to pages, sorts, and merges overlapping and touching ranges', () => {
  assert.deepEqual(normalizeRanges([r(0x5010, 0x6001), r(0x1000, 0x2000), r(0x1800, 0x3000), r(0x3000, 0x4000), r(0x9000, 0x9000)], PAGE), [
    r(0x1000, 0x4000),
    r(0x5000, 0x7000),
  ]);
});

test('clipToVmas keeps only what is mapped and counts the rest as unmapped', () => {
  // Mappings deliberately out of order: the clip must not depend on it.
  const vmas = [r(0x10000, 0x14000), r(0x2000, 0x4000), r(0x6000, 0x8000)];
  const result = clipToVmas([r(0x1000, 0x7000), r(0x13000, 0x20000)], vmas, PAGE);
  assert.deepEqual(result, {
    segments: [
      { ...r(0x2000, 0x4000), vma: 1 },
      { ...r(0x6000, 0x7000), vma: 2 },
      { ...r(0x13000, 0x14000), vma: 0 },
    ],
    requestedPages: 6 + 13,
    unmappedPages: 6 + 13 - (2 + 1 + 1),
  });
  assert.deepEqual(clipToVmas([r(0x100000, 0x101000)], vmas, PAGE), { segments: [], requestedPages: 1, unmappedPages: 1 });
});

test('pageAddresses lists every page and segmentsOfPages folds them back', () => {
  const segments = [r(0x2000, 0x4000), r(0x6000, 0x7000)];
  const pages = pageAddresses(segments, PAGE);
  assert.deepEqual([...pages].map(Number), [0x2000, 0x3000, 0x6000]);
  assert.deepEqual(segmentsOfPages(pages, PAGE), segments);
});

test('hugeHints marks the pages inside huge ranges with their folio size', () => {
  const pages = pageAddresses([r(0x0, 0x8000)], PAGE);
  const hints = hugeHints(pages, [
    { ...r(0x6000, 0x8000), folioSize: 0x200000 },
    { ...r(0x1000, 0x3000), folioSize: 0x4000 },
  ]);
  assert.deepEqual([...hints], [0, 0x4000, 0x4000, 0, 0, 0, 0x200000, 0x200000]);
});

test('buildMoveList sends one address per whole folio stretch and single pages elsewhere', () => {
  // Folios of 4 pages (16 KiB) in [0x10000, 0x20000); pages 0x8000-0xf000 are small.
  const pages = pageAddresses([r(0x8000, 0x20000)], PAGE);
  const count = pages.length;
  const current = new Int32Array(count).fill(0);
  const targets = new Int32Array(count).fill(1);
  const include = new Uint8Array(count).fill(1);
  const index = (address: number): number => (address - 0x8000) / PAGE;
  // Folio at 0x14000: one page already elsewhere, so it is not sent as one.
  current[index(0x15000)] = 2;
  // Folio at 0x18000: one page not to be moved (e.g. not present).
  include[index(0x19000)] = 0;
  // Page 0x9000 already on the target.
  include[index(0x9000)] = 0;
  const hints = hugeHints(pages, [{ ...r(0x10000, 0x20000), folioSize: 0x4000 }]);
  const list = buildMoveList({ pages, current, targets, include, hints, pageSize: PAGE });
  const singles = (from: number, to: number, skip: number[] = []): number[] => {
    const out: number[] = [];
    for (let a = from; a < to; a += PAGE) if (!skip.includes(a)) out.push(a);
    return out;
  };
  const expected = [
    ...singles(0x8000, 0x10000, [0x9000]).map((a) => [a, 1]),
    [0x10000, 4],
    ...singles(0x14000, 0x18000).map((a) => [a, 1]),
    ...singles(0x18000, 0x1c000, [0x19000]).map((a) => [a, 1]),
    [0x1c000, 4],
  ];
  assert.deepEqual(plain(list), {
    addresses: expected.map(([a]) => a as number),
    nodes: expected.map(() => 1),
    first: expected.map(([a]) => index(a as number)),
    count: expected.map(([, n]) => n as number),
  });
});

test('buildMoveList does not group a stretch that is not folio-aligned or not all requested', () => {
  // Starts mid-folio: the stretch at 0x12000 is not aligned, 0x14000 has only 2 pages requested.
  const pages = pageAddresses([r(0x12000, 0x16000)], PAGE);
  const count = pages.length;
  const list = buildMoveList({
    pages,
    current: new Int32Array(count),
    targets: new Int32Array(count).fill(1),
    include: new Uint8Array(count).fill(1),
    hints: hugeHints(pages, [{ ...r(0x10000, 0x20000), folioSize: 0x4000 }]),
    pageSize: PAGE,
  });
  assert.deepEqual(plain(list).count, [1, 1, 1, 1]);
});

test('buildMoveList sorts entries by target node, keeping address order within a node', () => {
  const pages = pageAddresses([r(0x1000, 0x7000)], PAGE);
  const targets = Int32Array.of(2, 0, 1, 0, 2, 1);
  const list = buildMoveList({
    pages,
    current: new Int32Array(6).fill(3),
    targets,
    include: new Uint8Array(6).fill(1),
    hints: null,
    pageSize: PAGE,
  });
  assert.deepEqual(plain(list), {
    addresses: [0x2000, 0x4000, 0x3000, 0x6000, 0x1000, 0x5000],
    nodes: [0, 0, 1, 1, 2, 2],
    first: [1, 3, 2, 5, 0, 4],
    count: [1, 1, 1, 1, 1, 1],
  });
});

test('chunkMoveList bounds the pages per call, counting a folio for all its pages', () => {
  const list: MoveList = {
    addresses: new BigUint64Array(6),
    nodes: new Int32Array(6),
    first: new Uint32Array(6),
    count: Uint32Array.of(1, 1, 512, 1, 1024, 1),
  };
  assert.deepEqual(chunkMoveList(list, 512), [
    [0, 2],
    [2, 3],
    [3, 4],
    [4, 5],
    [5, 6],
  ]);
  assert.deepEqual(chunkMoveList(list, 1024), [
    [0, 4],
    [4, 5],
    [5, 6],
  ]);
  assert.deepEqual(chunkRange(2500, 1024), [
    [0, 1024],
    [1024, 2048],
    [2048, 2500],
  ]);
});

test('nodeRemap pairs node sets the way migrate_pages does', () => {
  assert.deepEqual(
    [nodeRemap([0], [1]), nodeRemap([1, 0], [3, 2]), nodeRemap([0, 1, 2, 3], [4]), nodeRemap([0, 1, 2], [0, 1]), nodeRemap([0], [])],
    [[[0, 1]], [[0, 2], [1, 3]], [[0, 4], [1, 4], [2, 4], [3, 4]], [[0, 0], [1, 1], [2, 0]], []],
  );
});

test('runLength encodes per-page statuses in order', () => {
  assert.deepEqual(runLength(Int32Array.of(0, 0, 1, -2, -2, -2, 0)), [
    [2, 0],
    [1, 1],
    [3, -2],
    [1, 0],
  ]);
  assert.deepEqual(runLength(new Int32Array(0)), []);
});

test('pageAddressesOfRuns lists the pages of runs of page numbers, as pageAddresses does for the same ranges', () => {
  const runs = Float64Array.of(0x10, 0x12, 0xfffff, 0x100002, 0x7ffffffff, 0x800000000);
  assert.deepEqual(
    [...pageAddressesOfRuns(runs, 3, 4096)],
    [...pageAddresses([{ start: 0x10000n, end: 0x12000n }, { start: 0xfffff000n, end: 0x100002000n }, { start: 0x7ffffffff000n, end: 0x800000000000n }], 4096)],
  );
  assert.equal(pageAddressesOfRuns(runs, 0, 4096).length, 0);
});

test('segmentRuns encodes every page of the segments: listed pages with their status, the others with their segment\'s', () => {
  const segments = [
    { start: 0x10000n, end: 0x16000n },
    { start: 0x20000n, end: 0x22000n },
    { start: 0x30000n, end: 0x31000n },
  ];
  const pages = BigUint64Array.of(0x11000n, 0x12000n, 0x15000n, 0x30000n);
  const status = Int32Array.of(0, 0, 1, 0);
  assert.deepEqual(segmentRuns(segments, pages, status, Int32Array.of(-2, -14, -2), 4096), [
    [1, -2],
    [2, 0],
    [2, -2],
    [1, 1],
    [2, -14],
    [1, 0],
  ]);
  // Every page listed: the plain encoding.
  assert.deepEqual(segmentRuns(segments, pages, status, null, 4096), runLength(status));
});
