import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeRuns } from '../../../app/renderer/model/data.js';
import { buildLayout } from '../../../app/renderer/model/layout.js';
import { nextSort, sortRegions } from '../../../app/renderer/model/region-sort.js';

const layout = buildLayout(
  [0x1000n, 0x10000n, 0x20000n, 0x30000n].map((start, i) => ({ start, end: start + BigInt((i % 2 === 0 ? 2 : 1) * 4096), name: ['c', 'a', 'b', 'a'][i] as string, path: '', perms: 'rw-p', kind: 'anon' as const })),
  4096,
);
const summaries = [summarizeRuns([[2, 0]]), summarizeRuns([[1, 1]]), summarizeRuns([[1, 0], [1, -2]]), summarizeRuns([[1, -2]])];
const starts = (sort: Parameters<typeof sortRegions>[1], changed: Map<number, number> | null = null) => sortRegions(layout.regions, sort, { summaries, changed }).map((r) => r.start);

test('a header click sorts text and addresses ascending first, amounts descending first, and flips on a second click', () => {
  assert.deepEqual(nextSort(null, { by: 'name' }), { column: { by: 'name' }, direction: 'ascending' });
  assert.deepEqual(nextSort(null, { by: 'size' }), { column: { by: 'size' }, direction: 'descending' });
  const byNode = nextSort(null, { by: 'node', node: 1 });
  assert.deepEqual(nextSort(byNode, { by: 'node', node: 1 }).direction, 'ascending');
  assert.deepEqual(nextSort(byNode, { by: 'node', node: 0 }).direction, 'descending');
});

test('regions sort by each column, ties kept in address order', () => {
  assert.deepEqual(starts(null), [0x1000n, 0x10000n, 0x20000n, 0x30000n]);
  assert.deepEqual(starts({ column: { by: 'name' }, direction: 'ascending' }), [0x10000n, 0x30000n, 0x20000n, 0x1000n]);
  assert.deepEqual(starts({ column: { by: 'size' }, direction: 'descending' }), [0x1000n, 0x20000n, 0x10000n, 0x30000n]);
  assert.deepEqual(starts({ column: { by: 'present' }, direction: 'ascending' }), [0x30000n, 0x20000n, 0x1000n, 0x10000n]);
  assert.deepEqual(starts({ column: { by: 'node', node: 0 }, direction: 'descending' }), [0x1000n, 0x20000n, 0x10000n, 0x30000n]);
  assert.deepEqual(starts({ column: { by: 'changed' }, direction: 'descending' }, new Map([[3, 5], [1, 2]])), [0x30000n, 0x10000n, 0x1000n, 0x20000n]);
  assert.deepEqual(starts({ column: { by: 'start' }, direction: 'descending' }), [0x30000n, 0x20000n, 0x10000n, 0x1000n]);
});
