/** The chart's locality and heat over time: points from updates and heat intervals, their lines, and a poll's heat. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeatIntervalWire } from '../../../app/common/ipc.js';
import { heatOfPoll, heatPath, localityPath } from '../../../app/renderer/model/timeline-shares.js';
import { heatPointOf, type HeatPoint, type PollPoint } from '../../../app/renderer/model/timeline.js';

const x = (at: number): number => at / 1000;
const y = (share: number): number => 100 - share * 100;

function point(sequence: number, locality: number | null): PollPoint {
  return { sequence, at: sequence * 1000, byNode: { '0': 1 }, absent: 0, locality };
}

function heat(at: number, share: number): HeatPoint {
  return { at, share, label: 'writes only (soft-dirty)' };
}

test('the locality line is broken where a poll has no figure', () => {
  const points = [point(1, null), point(2, 1), point(3, 0.5), point(4, null), point(5, 0.25), point(6, 0)];
  assert.equal(localityPath(points, x, y), 'M2.0,0.0L3.0,50.0M5.0,75.0L6.0,100.0');
  assert.equal(localityPath([point(1, null)], x, y), '');
});

test("one measurement's intervals are joined; the next measurement starts a line of its own", () => {
  const first = [heat(1000, 0.1), heat(2000, 0.2), heat(3000, 0.3)];
  const second = [heat(20_000, 0.5), heat(20_250, 0.6), heat(20_500, 0.7)];
  assert.equal(heatPath([...first, ...second], x, y), 'M1.0,90.0L2.0,80.0L3.0,70.0M20.0,50.0L20.3,40.0L20.5,30.0');
});

test("a poll's heat is the last interval that ended since the poll before; none is made up", () => {
  const points = [point(1, 1), point(2, 1), point(3, 1)];
  const intervals = [heat(1500, 0.1), heat(1900, 0.4), heat(2600, 0.2)];
  assert.equal(heatOfPoll(points, 0, intervals), null);
  assert.deepEqual(heatOfPoll(points, 1, intervals), heat(1900, 0.4));
  assert.deepEqual(heatOfPoll(points, 2, intervals), heat(2600, 0.2));
  assert.equal(heatOfPoll(points, 2, []), null);
});

test('a heat interval without a share (no poll yet, no present pages) is no point', () => {
  const interval: HeatIntervalWire = { pages: 12, share: 0.25, source: 'soft-dirty', label: 'writes only (soft-dirty)', at: '2026-12-07T08:00:01.000Z' };
  assert.deepEqual(heatPointOf(interval), { at: Date.parse(interval.at), share: 0.25, label: 'writes only (soft-dirty)' });
  assert.equal(heatPointOf({ ...interval, share: null }), null);
});
