/** Heat from DAMON's snapshots: over the intervals since a page's access level last changed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeatRange } from '../../../app/common/heat.js';
import { settledHeat, type DamonSample } from '../../../app/main/heat/damon-heat.js';

const PAGE = 4096;
const range = (startPage: number, endPage: number, heat: number): HeatRange => ({ start: BigInt(startPage * PAGE), end: BigInt(endPage * PAGE), heat, age: null });
const sample = (...regions: [number, number, number][]): DamonSample => ({ runs: regions.map(([start, end]) => [start, end]), weights: regions.map(([, , weight]) => weight) });

test('an idle buffer that shared a region with a busy one while DAMON settled reads as unused', () => {
  // Pages 0-100 are busy, 100-200 idle: the first snapshot still has them in one region.
  const samples = [sample([0, 200, 0.5]), sample([0, 100, 0.95], [100, 200, 0]), sample([0, 100, 1], [100, 200, 0])];
  assert.deepEqual(settledHeat(samples, PAGE), [range(0, 100, 0.975)]);
});

test('a steady level is averaged over every interval; small moves (a tenth at most) do not end it', () => {
  const samples = [sample([0, 10, 0.5]), sample([0, 10, 0.5625]), sample([0, 10, 0.53125])];
  assert.deepEqual(settledHeat(samples, PAGE), [range(0, 10, 0.53125)]);
});

test('pages used early in the window and idle since read as unused; pages that became busy read at their new level', () => {
  const samples = [sample([0, 10, 1], [10, 20, 0]), sample([0, 10, 0], [10, 20, 0.8]), sample([0, 10, 0], [10, 20, 0.8])];
  assert.deepEqual(settledHeat(samples, PAGE), [range(10, 20, 0.8)]);
});

test('pages outside the last snapshot\'s regions count as unused there; no snapshots, no heat', () => {
  assert.deepEqual(settledHeat([sample([0, 10, 1]), sample([20, 30, 0.5])], PAGE), [range(20, 30, 0.5)]);
  assert.deepEqual(settledHeat([], PAGE), []);
});
