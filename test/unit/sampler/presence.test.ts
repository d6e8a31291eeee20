/** Pure parts of the sampler: pagemap entries to runs, and change logs crossing threads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeLog } from '../../../app/main/sampler/changes.js';
import { visitPresentRuns } from '../../../app/main/sampler/presence.js';

const PRESENT = 2n ** 63n;
const SWAPPED = 2n ** 62n;
const SOFT_DIRTY = 2n ** 55n;

function words(entries: bigint[]): Uint32Array {
  return new Uint32Array(BigUint64Array.from(entries).buffer);
}

function runs(entries: bigint[], offset = 0, count = entries.length): [number, number, boolean][] {
  const out: [number, number, boolean][] = [];
  visitPresentRuns(words(entries), count, offset, (start, end, huge) => out.push([start, end, huge]));
  return out;
}

test('pagemap entries become runs of present or swapped pages', () => {
  const pfn = 0x12345n;
  assert.deepEqual(
    runs([PRESENT | pfn, PRESENT | SOFT_DIRTY, 0n, SOFT_DIRTY, SWAPPED | 7n, PRESENT, 0n, PRESENT]),
    [
      [0, 2, false],
      [4, 6, false],
      [7, 8, false],
    ],
  );
  assert.deepEqual(runs([0n, 0n, 0n]), []);
  assert.deepEqual(runs([PRESENT, PRESENT, PRESENT], 100), [[100, 103, false]]);
  assert.deepEqual(runs([PRESENT, 0n, PRESENT, PRESENT], 0, 3), [
    [0, 1, false],
    [2, 3, false],
  ]);
});

test('a change log crosses threads as data and comes back the same', () => {
  const log = new ChangeLog(3);
  log.record(0x7000, 0, 1);
  log.record(0x3000, -2, 0);
  log.record(0x5000, 0, 1);
  log.record(0x9000, 1, 0);
  const back = ChangeLog.fromData(structuredClone(log.toData()));
  assert.deepEqual({ total: back.total, list: back.list(), summary: back.summary(), capacity: back.capacity }, { total: log.total, list: log.list(), summary: log.summary(), capacity: 3 });
  assert.equal(back.total, 4);
  assert.equal(back.list().length, 3);
});
