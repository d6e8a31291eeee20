/** Locality per poll: CPU time between two readings of the threads weighs the poll's pages per node. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localityBetween, PollLocality } from '../../../app/main/advice/poll-locality.js';
import type { ThreadCpu } from '../../../app/main/proc/thread-usage.js';

/** Two nodes of two CPUs each: CPUs 0-1 on node 0, 2-3 on node 1. */
const CPU_TO_NODE = new Map([
  [0, 0],
  [1, 0],
  [2, 1],
  [3, 1],
]);

function thread(tid: number, ticks: number, lastCpu: number): ThreadCpu {
  return { tid, comm: `t${tid}`, ticks, lastCpu, numaFaults: null };
}

test('on two nodes the pages are weighed by where the CPU time went between the polls', () => {
  const before = [thread(1, 100, 0), thread(2, 500, 2)];
  // Thread 1 used 30 ticks on node 0, thread 2 used 10 on node 1: weights 0.75 and 0.25.
  const after = [thread(1, 130, 1), thread(2, 510, 3)];
  const value = localityBetween(before, after, { '0': 300, '1': 100 }, CPU_TO_NODE);
  assert.deepEqual(value, { share: (300 * 0.75 + 100 * 0.25) / 400, basis: 'cpu-time' });
  // All pages on the node that got no CPU time in the interval: nothing is local, however busy thread 2 was before.
  assert.deepEqual(localityBetween(before, [thread(1, 130, 1), thread(2, 500, 3)], { '1': 400 }, CPU_TO_NODE), { share: 0, basis: 'cpu-time' });
});

test('an idle interval counts each thread alike and says so; no pages or no known node give no figure', () => {
  const idle = [thread(1, 100, 0), thread(2, 100, 2)];
  assert.deepEqual(localityBetween(idle, idle, { '0': 100, '1': 300 }, CPU_TO_NODE), { share: 0.5, basis: 'threads' });
  assert.equal(localityBetween(idle, idle, {}, CPU_TO_NODE), null);
  assert.equal(localityBetween(idle, idle, { '0': 0 }, CPU_TO_NODE), null);
  assert.equal(localityBetween([thread(1, 0, 9)], [thread(1, 50, 9)], { '0': 10 }, CPU_TO_NODE), null);
});

test('poll by poll: none for the first poll or after a failed reading, then each interval on its own', () => {
  const locality = new PollLocality(CPU_TO_NODE);
  const pages = { '0': 100, '1': 100 };
  assert.equal(locality.next([thread(1, 0, 0)], pages), null, 'the first poll has no interval');
  assert.deepEqual(locality.next([thread(1, 10, 0)], pages), { share: 0.5, basis: 'cpu-time' });
  assert.deepEqual(locality.next([thread(1, 20, 0)], { '0': 100 }), { share: 1, basis: 'cpu-time' });
  // The thread moved to node 1 and ran there: only this interval's CPU time counts.
  assert.deepEqual(locality.next([thread(1, 60, 2)], { '0': 100, '1': 300 }), { share: 0.75, basis: 'cpu-time' });
  assert.equal(locality.next(null, pages), null, 'an unreadable poll');
  assert.equal(locality.next([thread(1, 70, 2)], pages), null, 'the poll after it has no interval either');
  assert.deepEqual(locality.next([thread(1, 80, 2)], { '1': 100 }), { share: 1, basis: 'cpu-time' });
});
