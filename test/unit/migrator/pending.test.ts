/** pending.ts: cutting the runs of pages to move into move calls. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressesOf, indicesOf, PendingCursor } from '../../../app/main/migrator/pending.js';

test('a call takes runs up to the limit, splitting a run and joining runs that touch', () => {
  const runs = [0, 3, 3, 5, 8, 10];
  const cursor = new PendingCursor(runs);
  assert.deepEqual(cursor.take(4), { pieces: [0, 4], pages: 4 });
  assert.deepEqual(cursor.take(4), { pieces: [4, 5, 8, 10], pages: 3 });
  assert.equal(cursor.caughtUp, true);
});

test('runs found after the cursor caught up are taken by the next call', () => {
  const runs = [0, 2];
  const cursor = new PendingCursor(runs);
  assert.deepEqual(cursor.take(10), { pieces: [0, 2], pages: 2 });
  assert.equal(cursor.caughtUp, true);
  runs.push(2, 4, 6, 7);
  assert.equal(cursor.caughtUp, false);
  assert.deepEqual(cursor.take(10), { pieces: [2, 4, 6, 7], pages: 3 });
});

test('one piece is a view of the page list, several are copied into the scratch buffer', () => {
  const pages = BigUint64Array.from([10n, 11n, 12n, 13n, 14n]);
  const scratch = new BigUint64Array(5);
  const view = addressesOf(pages, [1, 3], 2, scratch);
  assert.equal(view.buffer, pages.buffer);
  assert.deepEqual([...view], [11n, 12n]);
  const copied = addressesOf(pages, [0, 1, 3, 5], 3, scratch);
  assert.equal(copied.buffer, scratch.buffer);
  assert.deepEqual([...copied], [10n, 13n, 14n]);
  assert.deepEqual([...indicesOf([0, 1, 3, 5], 3)], [0, 3, 4]);
});
