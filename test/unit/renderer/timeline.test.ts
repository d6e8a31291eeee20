import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WireMoveResult } from '../../../app/common/ipc.js';
import type { MovePhase } from '../../../app/renderer/model/moves.js';
import { chartNodes, keepLast, LIVE_POLLS_KEPT, markOfPhaseChange, nearestPoint, type PollPoint } from '../../../app/renderer/model/timeline.js';

function point(sequence: number, at: number, node0 = 0): PollPoint {
  return { sequence, at, byNode: { '0': node0 }, absent: 0, locality: null };
}

test('the live ring keeps the last LIVE_POLLS_KEPT polls, dropping the oldest', () => {
  let points: PollPoint[] = [];
  for (let i = 0; i < LIVE_POLLS_KEPT + 10; i++) points = keepLast(points, point(i, i * 1000), LIVE_POLLS_KEPT);
  assert.equal(points.length, LIVE_POLLS_KEPT);
  assert.equal(points[0]?.sequence, 10);
  assert.equal(points[points.length - 1]?.sequence, LIVE_POLLS_KEPT + 9);
});

test('hovering a time picks the nearest poll', () => {
  const points = [point(1, 1000), point(2, 2000), point(3, 4000)];
  assert.deepEqual([0, 1400, 1600, 2900, 3100, 9000].map((at) => nearestPoint(points, at)), [0, 0, 1, 1, 2, 2]);
  assert.equal(nearestPoint([], 5), -1);
});

test('nodes are drawn in panel order, then any others', () => {
  const points: PollPoint[] = [{ sequence: 1, at: 0, byNode: { '3': 1, '0': 2, '1': 0 }, absent: 0, locality: null }];
  assert.deepEqual(chartNodes(points, [1, 0]), [1, 0, 3]);
});

test('a move is marked where it starts running and where its result arrives, once each', () => {
  const result = { moveId: 'a', outcome: 'complete', counts: { moved: 12 } } as unknown as WireMoveResult;
  const idle: MovePhase = { phase: 'idle' };
  const starting: MovePhase = { phase: 'starting', kind: 'undo' };
  const running: MovePhase = { phase: 'running', kind: 'undo', moveId: 'a', progress: null, cancelling: false };
  const done: MovePhase = { phase: 'done', kind: 'undo', result };
  assert.equal(markOfPhaseChange(idle, starting, 5), null);
  assert.deepEqual(markOfPhaseChange(starting, running, 6), { at: 6, kind: 'undo', edge: 'start', text: 'undo started' });
  assert.equal(markOfPhaseChange(running, { ...running, cancelling: true }, 7), null);
  assert.deepEqual(markOfPhaseChange(running, done, 8), { at: 8, kind: 'undo', edge: 'end', text: 'undo complete: 12 pages moved' });
  assert.equal(markOfPhaseChange(done, { ...done }, 9), null);
});
