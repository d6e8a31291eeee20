/** Heat as the views draw it: spans of layout pages, heat and locality per region, the table's order by them, ages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeRuns } from '../../../app/renderer/model/data.js';
import { ageText, heatSpans, hottestRanges, regionHeat, regionLocality, spanAtPage } from '../../../app/renderer/model/heat.js';
import { buildLayout } from '../../../app/renderer/model/layout.js';
import { sortRegions } from '../../../app/renderer/model/region-sort.js';

// Three regions of 4, 8 and 2 pages, with gaps between them.
const layout = buildLayout(
  [
    { start: 0x10000n, end: 0x14000n },
    { start: 0x40000n, end: 0x48000n },
    { start: 0x90000n, end: 0x92000n },
  ].map((r) => ({ ...r, name: 'anonymous', path: '', perms: 'rw-p', kind: 'anon' as const })),
  4096,
);
// Region 1 has 4 of its 8 pages present.
const summaries = [summarizeRuns([[4, 0]]), summarizeRuns([[4, 1], [4, -2]]), summarizeRuns([[2, 0]])];
const range = (start: number, end: number, heat: number) => ({ start: `0x${start.toString(16)}` as const, end: `0x${end.toString(16)}` as const, heat, age: null });

test('heat ranges become spans of layout pages; what lies in a gap has no width', () => {
  const spans = heatSpans(layout, [range(0x11000, 0x13000, 0.5), range(0x14000, 0x30000, 1), range(0x13000, 0x42000, 0.25)]);
  assert.deepEqual(spans, [
    { start: 1, end: 3, heat: 0.5, range: { start: '0x11000', end: '0x13000' } },
    { start: 3, end: 6, heat: 0.25, range: { start: '0x13000', end: '0x42000' } },
  ]);
  // The band's readout: the span under a page.
  assert.deepEqual([0, 1, 2, 3, 5, 6].map((page) => spanAtPage(spans, page)?.heat ?? null), [null, 0.5, 0.5, 0.25, 0.25, null]);
});

test('a region\'s heat is the heat of its present pages on average, a range across two regions counting in both', () => {
  const heat = regionHeat(layout, summaries, [range(0x10000, 0x12000, 0.5), range(0x13000, 0x42000, 1)]);
  // Region 0: pages 0-1 at 0.5, page 3 at 1, of 4 present: (1 + 1) / 4. Region 1: two pages at 1 of 4 present.
  assert.deepEqual([...heat], [
    [0, 0.5],
    [1, 0.5],
  ]);
  assert.equal(heat.has(2), false);
  // DAMON ranges may span absent pages: never above 1.
  assert.equal(regionHeat(layout, summaries, [range(0x40000, 0x48000, 1)]).get(1), 1);
});

test('locality goes to the region with the same bounds; the table sorts by heat and locality, unknown last', () => {
  const locality = regionLocality(layout, [
    { start: '0x40000', end: '0x48000', name: 'anonymous', locality: 0.25 },
    { start: '0x90000', end: '0x92000', name: 'anonymous', locality: 1 },
    { start: '0x10000', end: '0x11000', name: 'elsewhere', locality: 0 },
  ]);
  assert.deepEqual([...locality], [
    [1, 0.25],
    [2, 1],
  ]);
  const heat = new Map([[1, 0.7], [2, 0.1]]);
  const order = (by: 'heat' | 'locality') => sortRegions(layout.regions, { column: { by }, direction: 'descending' }, { summaries, changed: null, heat, locality }).map((r) => r.index);
  assert.deepEqual(order('heat'), [1, 2, 0]);
  assert.deepEqual(order('locality'), [2, 1, 0]);
});

test('hottest first, bigger first among equals; ages in words', () => {
  const ranges = [range(0x1000, 0x2000, 0.5), range(0x3000, 0x9000, 0.5), range(0xa000, 0xb000, 0.9)];
  assert.deepEqual(hottestRanges(ranges, 2).map((r) => r.start), ['0xa000', '0x3000']);
  const now = Date.parse('2025-01-31T12:00:00Z');
  assert.equal(ageText('2025-01-31T11:59:48Z', now), '12 s ago');
  assert.equal(ageText('2025-01-31T11:55:00Z', now), '5 min ago');
  assert.equal(ageText('2025-01-31T09:00:00Z', now), '3 h ago');
  assert.equal(ageText('2025-01-27T12:00:00Z', now), '4 days ago');
});
