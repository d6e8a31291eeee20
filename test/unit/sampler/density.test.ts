/** The engine's guess of which windows to query directly instead of looking them up first. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusStore } from '../../../app/common/status-store.js';
import { DENSE_ENTER, DENSE_LEAVE, DensityGuess, RECHECK_EVERY, sampledNodeAnswers } from '../../../app/main/sampler/density.js';

const WINDOW = 64;

/** A window's statuses with the first `nodes` pages on node 0 and the rest absent. */
function statuses(windows: number, nodes: number): StatusStore {
  const status = new StatusStore(windows * WINDOW);
  status.fill(-2, 0, status.length);
  for (let w = 0; w < windows; w++) status.fill(0, w * WINDOW, w * WINDOW + nodes);
  return status;
}

test('node answers are estimated from every 8th page', () => {
  const status = StatusStore.of(Array.from({ length: 32 }, (_, i) => (i < 9 ? 1 : -14)));
  assert.equal(sampledNodeAnswers(status, 0, 32), 16); // pages 0 and 8
  assert.equal(sampledNodeAnswers(status, 1, 32), 8); // page 1 only; 9, 17, 25 are absent
  assert.equal(sampledNodeAnswers(status, 16, 16), 0);
});

test('without the presence source every window is queried directly', () => {
  const guess = new DensityGuess(true);
  guess.startRegion(false);
  const sparse = statuses(20, 0);
  for (let w = 0; w < 20; w++) {
    assert.equal(guess.queryDirectly, true);
    guess.afterDirect(sparse, w * WINDOW, (w + 1) * WINDOW);
  }
});

test('a looked-up window turns direct only when dense, without huge pages, and with adaptive on', () => {
  const guess = new DensityGuess(true);
  guess.startRegion(true);
  assert.equal(guess.queryDirectly, false, 'a region with a source starts by looking up');
  guess.afterLookup(Math.ceil(WINDOW * DENSE_ENTER) - 1, WINDOW, false);
  assert.equal(guess.queryDirectly, false);
  guess.afterLookup(Math.ceil(WINDOW * DENSE_ENTER), WINDOW, true);
  assert.equal(guess.queryDirectly, false, 'huge pages are cheaper looked up');
  guess.afterLookup(Math.ceil(WINDOW * DENSE_ENTER), WINDOW, false);
  assert.equal(guess.queryDirectly, true);
  const fixed = new DensityGuess(false);
  fixed.startRegion(true);
  fixed.afterLookup(WINDOW, WINDOW, false);
  assert.equal(fixed.queryDirectly, false);
});

test('a direct run is judged one window late, and leaves when a window turns sparse', () => {
  const guess = new DensityGuess(true);
  guess.startRegion(true);
  guess.afterLookup(WINDOW, WINDOW, false);
  // Window 1 is sparse, but its answers may not be in when it ends: judged after window 2.
  const status = statuses(4, WINDOW);
  status.fill(-2, WINDOW, 2 * WINDOW);
  guess.afterDirect(status, WINDOW, 2 * WINDOW);
  assert.equal(guess.queryDirectly, true);
  guess.afterDirect(status, 2 * WINDOW, 3 * WINDOW);
  assert.equal(guess.queryDirectly, false);
});

test('a window just above the leave share stays direct; just below leaves', () => {
  for (const [eighths, stays] of [[Math.ceil(8 * DENSE_LEAVE), true], [Math.ceil(8 * DENSE_LEAVE) - 1, false]] as const) {
    const guess = new DensityGuess(true);
    guess.startRegion(true);
    guess.afterLookup(WINDOW, WINDOW, false);
    guess.afterDirect(statuses(2, eighths * 8), 0, WINDOW);
    guess.afterDirect(statuses(2, eighths * 8), WINDOW, 2 * WINDOW);
    assert.equal(guess.queryDirectly, stays, `${eighths} eighths with node answers`);
  }
});

test('a long dense run looks up again every few windows, and each region starts afresh', () => {
  const guess = new DensityGuess(true);
  const dense = statuses(RECHECK_EVERY + 1, WINDOW);
  guess.startRegion(true);
  guess.afterLookup(WINDOW, WINDOW, false);
  for (let w = 0; w < RECHECK_EVERY - 1; w++) {
    guess.afterDirect(dense, w * WINDOW, (w + 1) * WINDOW);
    assert.equal(guess.queryDirectly, true, `window ${w}`);
  }
  guess.afterDirect(dense, (RECHECK_EVERY - 1) * WINDOW, RECHECK_EVERY * WINDOW);
  assert.equal(guess.queryDirectly, false, 're-check');
  guess.startRegion(false);
  assert.equal(guess.queryDirectly, true);
  guess.startRegion(true);
  assert.equal(guess.queryDirectly, false);
});
