import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffPlacements, diffSnapshots, encodeSnapshot, type PlacementDiff } from '../../../app/common/snapshot/codec.js';
import { diffInTimeOrder } from '../../../app/common/snapshot/diff.js';
import { errorOf, placement, random, region, topology } from './helpers.js';

test('diff reports moves, per-region ranges, and gone and new pages across changed layouts', () => {
  const a = placement([
    region(0x10000n, [0, 0, 0, 0, 1, 1, -2, -2]),
    region(0x20000n, [0, 0, 0, 0]),
    region(0x30000n, [1, 1, 1, 1]),
    region(0x50000n, [0, 0]),
    region(0x52000n, [0, 0]),
  ]);
  const b = placement([
    // The first region grew by 4 pages, the second was unmapped, the third split in two,
    // the two adjacent ones merged, and a new one appeared.
    region(0x10000n, [1, 1, 0, 0, 1, 0, 0, -2, 0, 0, 0, 0]),
    region(0x30000n, [1, 2]),
    region(0x32000n, [2, 2]),
    region(0x40000n, [-2, -2]),
    region(0x50000n, [1, 1, 1, 1], '[heap]', 'heap'),
  ]);
  const expected: PlacementDiff = {
    pageSize: 4096,
    sameProcess: true,
    comparedPages: 16,
    unchangedPages: 5,
    changedPages: 11,
    gonePages: 4,
    gone: [{ start: 0x20000n, end: 0x24000n, pages: 4 }],
    newPages: 6,
    added: [
      { start: 0x18000n, end: 0x1c000n, pages: 4 },
      { start: 0x40000n, end: 0x42000n, pages: 2 },
    ],
    transitions: [
      { from: -2, to: 0, pages: 1 },
      { from: 0, to: 1, pages: 6 },
      { from: 1, to: 0, pages: 1 },
      { from: 1, to: 2, pages: 3 },
    ],
    moved: [
      { from: 0, to: 1, pages: 6 },
      { from: 1, to: 0, pages: 1 },
      { from: 1, to: 2, pages: 3 },
    ],
    regions: [
      {
        start: 0x10000n,
        end: 0x1c000n,
        name: 'anonymous',
        changedPages: 4,
        ranges: [
          { page: 0, pages: 2, from: 0, to: 1 },
          { page: 5, pages: 1, from: 1, to: 0 },
          { page: 6, pages: 1, from: -2, to: 0 },
        ],
      },
      { start: 0x30000n, end: 0x32000n, name: 'anonymous', changedPages: 1, ranges: [{ page: 1, pages: 1, from: 1, to: 2 }] },
      { start: 0x32000n, end: 0x34000n, name: 'anonymous', changedPages: 2, ranges: [{ page: 0, pages: 2, from: 1, to: 2 }] },
      { start: 0x50000n, end: 0x54000n, name: '[heap]', changedPages: 4, ranges: [{ page: 0, pages: 4, from: 0, to: 1 }] },
    ],
    totals: [
      { status: 0, before: 12, after: 8, delta: -4 },
      { status: 1, before: 6, after: 8, delta: 2 },
      { status: 2, before: 0, after: 3, delta: 3 },
      { status: -2, before: 2, after: 3, delta: 1 },
    ],
  };
  const files = [a, b].map((p) => encodeSnapshot({ placement: p, topology: topology() })) as [ReturnType<typeof encodeSnapshot>, ReturnType<typeof encodeSnapshot>];
  assert.deepEqual({ placements: diffPlacements(a, b), files: diffSnapshots(...files) }, { placements: expected, files: expected });
});

test('diff of a snapshot with itself is empty; different page sizes are refused', () => {
  const a = placement([region(0x10000n, [0, 1, -2])]);
  assert.deepEqual(diffPlacements(a, a), {
    pageSize: 4096,
    sameProcess: true,
    comparedPages: 3,
    unchangedPages: 3,
    changedPages: 0,
    gonePages: 0,
    gone: [],
    newPages: 0,
    added: [],
    transitions: [],
    moved: [],
    regions: [],
    totals: [
      { status: 0, before: 1, after: 1, delta: 0 },
      { status: 1, before: 1, after: 1, delta: 0 },
      { status: -2, before: 1, after: 1, delta: 0 },
    ],
  });
  assert.equal(
    errorOf(() => diffPlacements(a, { ...a, pageSize: 65536 })),
    'cannot compare snapshots with different page sizes (4096 and 65536 bytes)',
  );
});

test('diff of 4M pages in random runs is exact (time reported)', (t) => {
  const next = random(3);
  const pages = 4 * 1024 * 1024;
  const before = new Int16Array(pages);
  const after = new Int16Array(pages);
  for (let at = 0; at < pages; ) {
    const length = Math.min(pages - at, 1 + Math.floor(next() * 4096));
    before.fill(0, at, at + length);
    after.fill(next() < 0.5 ? 0 : 1, at, at + length);
    at += length;
  }
  const begin = performance.now();
  const diff = diffPlacements(placement([region(0x7f0000000000n, before)]), placement([region(0x7f0000000000n, after)]));
  const ms = performance.now() - begin;
  t.diagnostic(`diff of ${pages} pages: ${ms.toFixed(1)} ms, ${diff.regions[0]?.ranges.length ?? 0} ranges`);
  const changed = after.reduce((sum, s) => sum + s, 0);
  assert.deepEqual([diff.changedPages, diff.moved], [changed, [{ from: 0, to: 1, pages: changed }]]);
});

test('a comparison reads from the earlier snapshot to the later one, whichever is named first, unless swapped', () => {
  const older = encodeSnapshot({ placement: { ...placement([region(0x10000n, [-2, -2, 0])]), takenAt: Date.parse('2026-01-01T10:00:00Z') }, topology: topology() });
  const newer = encodeSnapshot({ placement: { ...placement([region(0x10000n, [0, 0, 0]), region(0x20000n, [0])]), takenAt: Date.parse('2026-01-01T10:05:00Z') }, topology: topology() });
  for (const [first, second] of [
    [{ name: 'old.json', snapshot: older }, { name: 'new.json', snapshot: newer }],
    [{ name: 'new.json', snapshot: newer }, { name: 'old.json', snapshot: older }],
  ] as const) {
    const directed = diffInTimeOrder(first, second);
    assert.deepEqual([directed.before.name, directed.after.name], ['old.json', 'new.json']);
    assert.deepEqual(directed.diff.totals, [
      { status: 0, before: 1, after: 4, delta: 3 },
      { status: -2, before: 2, after: 0, delta: -2 },
    ]);
    assert.deepEqual([directed.diff.newPages, directed.diff.gonePages, directed.diff.transitions], [1, 0, [{ from: -2, to: 0, pages: 2 }]]);
    const swapped = diffInTimeOrder(first, second, true);
    assert.deepEqual([swapped.before.name, swapped.after.name, swapped.diff.gonePages], ['new.json', 'old.json', 1]);
  }
});
