/** The block-wise status store against a plain Int16Array doing the same writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_PAGES, StatusStore, type HeldBudget } from '../../../app/common/status-store.js';
import { random } from '../../helpers/random.js';

const STATUSES = [0, 1, 2, -2, -14];

function runsOf(array: Int16Array, start: number, end: number): [number, number, number][] {
  const runs: [number, number, number][] = [];
  for (let i = start; i < end; ) {
    let j = i + 1;
    while (j < end && array[j] === array[i]) j++;
    runs.push([i, j, array[i] as number]);
    i = j;
  }
  return runs;
}

test('random fills, single writes and run writes read back as a plain array would, at any phase', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    const pick = (n: number): number => Math.floor(next() * n);
    const length = 1 + pick(5 * BLOCK_PAGES);
    const phase = pick(BLOCK_PAGES);
    const store = new StatusStore(length, { phase });
    const plain = new Int16Array(length);
    for (let op = 0; op < 60; op++) {
      const start = pick(length);
      const end = Math.min(length, start + 1 + pick(op % 3 === 0 ? 3 * BLOCK_PAGES : 64));
      const value = STATUSES[pick(STATUSES.length)] as number;
      const kind = pick(3);
      if (kind === 0) {
        store.fill(value, start, end);
        plain.fill(value, start, end);
      } else if (kind === 1) {
        store.set(start, value);
        plain[start] = value;
      } else {
        // Runs written from the kernel's answers: often all one value, sometimes not.
        const source = Int32Array.from({ length: end - start }, () => (pick(4) === 0 ? (STATUSES[pick(STATUSES.length)] as number) : value));
        store.setFrom(source, 0, start, end - start);
        plain.set(source, start);
      }
    }
    assert.deepEqual(store.toArray(), plain, `seed ${seed}`);
    const from = pick(length);
    const to = from + pick(length - from + 1);
    const visited: [number, number, number][] = [];
    store.visitRuns(from, to, (s, e, v) => void visited.push([s, e, v]));
    assert.deepEqual(visited, runsOf(plain, from, to), `seed ${seed}: maximal runs of [${from}, ${to})`);
    assert.equal(store.get(from), from < length ? plain[from] : store.get(from));
  }
});

test('blocks whose pages agree hold no array: a 64 TiB region with a few pages costs those blocks', () => {
  const pages = 2 ** 34;
  const store = new StatusStore(pages, { phase: 512 });
  store.fill(-2, 0, pages);
  assert.equal(store.heldBlocks, 0);
  for (let k = 0; k < 100; k++) store.set(k * 2 ** 26, 1);
  assert.equal(store.heldBlocks, 100);
  assert.equal(store.heldBytes, 2 * (2 ** 34 / BLOCK_PAGES + 1) + 100 * BLOCK_PAGES * 2);
  const runs: number[] = [];
  store.visitRuns(0, pages, (s, e, v) => void runs.push(e - s, v));
  assert.equal(runs.length, 2 * 200);
  assert.deepEqual(runs.slice(0, 6), [1, 1, 2 ** 26 - 1, -2, 1, 1]);
  // A whole block written with one value gives its array back.
  store.fill(-2, 0, BLOCK_PAGES);
  assert.equal(store.heldBlocks, 99);
  const answers = new Int32Array(3 * BLOCK_PAGES).fill(-2);
  store.setFrom(answers, 0, 2 ** 26 - BLOCK_PAGES, answers.length);
  assert.equal(store.heldBlocks, 98);
});

test('the budget is told of every block held and given back, and can refuse one', () => {
  let held = 0;
  const budget: HeldBudget = {
    change(blocks) {
      held += blocks;
      if (held > 2) throw new Error('over');
    },
  };
  const store = new StatusStore(10 * BLOCK_PAGES, { budget });
  store.set(0, 1);
  store.set(BLOCK_PAGES, 1);
  assert.equal(held, 2);
  assert.throws(() => store.set(2 * BLOCK_PAGES, 1), /over/);
  held = 2;
  store.fill(0, 0, BLOCK_PAGES);
  assert.equal(held, 1);
});

test('a copy is independent, reuses spare arrays, and data round-trips through adopt', () => {
  const store = StatusStore.of(Int16Array.from({ length: 3 * BLOCK_PAGES }, (_, i) => i % 3), 7);
  const spare = [new Int16Array(BLOCK_PAGES)];
  const copy = store.copy(spare);
  assert.equal(spare.length, 0);
  assert.deepEqual(copy.toArray(), store.toArray());
  store.set(5, -2);
  assert.notEqual(copy.get(5), -2);
  const other = new StatusStore(store.length, { phase: 7 });
  other.adopt(store.toData());
  assert.deepEqual(other.toArray(), store.toArray());
  assert.throws(() => new StatusStore(4, { phase: 1 }).adopt(store.toData()), /cannot adopt/);
});
