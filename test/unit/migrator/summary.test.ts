/** summary.ts: the one-line message of a move and its per-errno tallies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Stop } from '../../../app/main/migrator/stop.js';
import { summarize, tally } from '../../../app/main/migrator/summary.js';
import type { MoveCounts, ProcessIdentity } from '../../../app/common/types.js';

const identity: ProcessIdentity = { pid: 42, comm: 'fake', cmdline: [], startTime: 1 };
const counts: MoveCounts = { requested: 1_234_567, unmapped: 3, notPresent: 2, alreadyOnTarget: 1000, toMove: 1_234_561, moved: 1_234_560, failed: 1, notAttempted: 0 };

test('a completed move says what moved, with thousands separators, and leaves out zero counts', () => {
  assert.equal(summarize({ identity, toNode: 1 }, counts, null), '1,234,560 pages moved to node 1, 1,000 already there, 1 failed, 2 not present, 3 not mapped');
  const one = { ...counts, moved: 1, failed: 0, notPresent: 0, unmapped: 0, alreadyOnTarget: 0 };
  assert.equal(summarize({ identity, toNode: 1 }, one, null), '1 page moved to node 1, 0 already there');
  // An undo sends pages back to several nodes, none of them "there" already.
  assert.equal(summarize({ identity, toNode: null }, one, null), '1 page moved back');
});

test('a move that stopped says why and how far it got', () => {
  const part = { ...counts, moved: 5, toMove: 1 };
  assert.equal(summarize({ identity, toNode: 1 }, part, new Stop('exited', 'ESRCH', 'gone')), 'process 42 exited during the move; 5 of 1 page had been moved');
  assert.equal(summarize({ identity, toNode: 1 }, part, new Stop('cancelled', 'ABORTED', 'cancelled')), 'move cancelled; 5 of 1 page had been moved (undo puts them back)');
  assert.equal(summarize({ identity, toNode: 1 }, { ...part, moved: 0 }, new Stop('cancelled', 'ABORTED', 'cancelled')), 'move cancelled; 0 of 1 page had been moved');
  assert.equal(summarize({ identity, toNode: 1 }, part, new Stop('failed', 'EIO', 'move_pages failed')), 'move_pages failed; 5 of 1 page had been moved');
});

test('tallies are explained and sorted by pages, then by status', () => {
  const rows = tally(new Map([[-16, 2], [-13, 5], [-14, 2]]));
  assert.deepEqual(rows.map((r) => [r.code, r.pages]), [['EACCES', 5], ['EFAULT', 2], ['EBUSY', 2]]);
  assert.ok(rows.every((r) => r.reason.length > 0));
});
