/** Each heat interval's own used pages, beside the heat summed over all of them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntervalCounter } from '../../../app/main/heat/accumulate.js';

test("the latest interval's used pages are its runs' pages, weighted, and only its own", () => {
  const counter = new IntervalCounter();
  assert.equal(counter.lastIntervalPages, 0);
  counter.add([
    [0, 10],
    [20, 25],
  ]);
  assert.equal(counter.lastIntervalPages, 15);
  counter.add([[0, 4]], [0.5]);
  assert.equal(counter.lastIntervalPages, 2);
  counter.add([]);
  assert.equal(counter.lastIntervalPages, 0, 'an interval in which nothing was used');
  counter.add([[100, 200]], [0]);
  assert.equal(counter.lastIntervalPages, 0, 'a run weighted 0 was not used');
  assert.equal(counter.samples, 4);
});
