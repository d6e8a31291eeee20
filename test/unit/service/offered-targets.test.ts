/** Which target nodes a move dialog offers, and the words when it offers none. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offeredTargets } from '../../../app/main/service/move-plan.js';

const WHAT = 'the selected pages';

test('a one-node machine offers nothing, and says so', () => {
  assert.deepEqual(offeredTargets([0], [0], [0], WHAT), {
    targets: [],
    noTargetReason: 'this machine has one NUMA node with memory (node 0): there is no other node to move pages to',
  });
});

test('the node holding every page is left out; with pages on several nodes each of them can still gather the rest', () => {
  assert.deepEqual(offeredTargets([0, 1, 2, 3], [], [1], WHAT), { targets: [0, 2, 3], noTargetReason: null });
  assert.deepEqual(offeredTargets([0, 1, 2, 3], [], [0, 1], WHAT), { targets: [0, 1, 2, 3], noTargetReason: null });
});

test('only nodes with memory that the cpuset allows', () => {
  // Node 2 has no memory; the cpuset allows 0, 1 and 2.
  assert.deepEqual(offeredTargets([0, 1, 3], [0, 1, 2], [0], WHAT), { targets: [1], noTargetReason: null });
  assert.deepEqual(offeredTargets([0, 1], [1], [1], WHAT), {
    targets: [],
    noTargetReason: "the process's cpuset allows only node 1 (Mems_allowed_list), where the selected pages already are",
  });
  assert.deepEqual(offeredTargets([0, 1, 2], [1, 2], [1, 2], WHAT), { targets: [1, 2], noTargetReason: null });
});

test('nothing present: nothing to move', () => {
  assert.deepEqual(offeredTargets([0, 1], [], [], WHAT), { targets: [], noTargetReason: 'no page of the selected pages is present: there is nothing to move' });
});
