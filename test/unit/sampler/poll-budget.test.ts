/** The periodic checks of incremental polling stay within their share of a core. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PERIODIC_SHARE, periodWithinBudget, Poller } from '../../../app/main/sampler/poller.js';

test('a cheap check keeps its base period; a costly one is spread out to cost PERIODIC_SHARE of a core', () => {
  assert.equal(periodWithinBudget(2, null, 1000), 2);
  assert.equal(periodWithinBudget(2, 5, 1000), 2);
  assert.equal(periodWithinBudget(2, 70, 1000), 7);
  assert.equal(periodWithinBudget(30, 350, 1000), 35);
  assert.equal(periodWithinBudget(30, 350, 100), 350);
  for (const [cost, interval] of [[70, 1000], [1234, 1000], [90, 250]] as const) {
    const period = periodWithinBudget(2, cost, interval);
    assert.ok(cost / (period * interval) <= PERIODIC_SHARE + 1e-12, `${cost} ms every ${period} polls of ${interval} ms`);
  }
});

test('a full rescan period the caller chose is kept exactly; the default one starts at 30', () => {
  const events = { onUpdate: () => undefined, onError: () => undefined };
  assert.equal(new Poller(process.pid, 1000, events, { fullEvery: 4 }).fullPeriod(), 4);
  assert.equal(new Poller(process.pid, 1000, events).fullPeriod(), 30);
  assert.equal(new Poller(process.pid, 1000, events).presencePeriod(), 2);
});
