/** settle.ts: deciding each page of a move call from the kernel's answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyBusy, applyAnswers, gatherUnsettled, NOT_WRITTEN, unsettledPages, type CallAnswers, type PageBook } from '../../../app/main/migrator/settle.js';
import { PageState } from '../../../app/main/migrator/survey.js';

const [ENOENT, EACCES, EAGAIN, EBUSY] = [2, 13, 11, 16];

function book(pages: number, target = 1): PageBook {
  return { targets: new Int32Array(pages).fill(target), state: new Uint8Array(pages).fill(PageState.Pending), status: new Int32Array(pages), current: new Int32Array(pages) };
}

function call(first: number[], count: number[], answer: number[], complete: boolean, node = 1): CallAnswers {
  return { first: Uint32Array.from(first), count: Uint32Array.from(count), nodes: new Int32Array(first.length).fill(node), answer: Int32Array.from(answer), complete };
}

test('after a call that returned 0, single pages that answered their target are final; the rest are asked again', () => {
  const c = call([0, 1, 2], [1, 1, 4], [1, -EBUSY, 1], true);
  assert.deepEqual(unsettledPages(c), { covered: 6, unsettled: 5 });
  const words = new Uint32Array(BigUint64Array.from([0, 1, 2, 3, 4, 5].map((i) => 0x1_0000_0000n + BigInt(i) * 4096n)).buffer);
  assert.deepEqual([...gatherUnsettled(c, words, 5)], [1, 2, 3, 4, 5].map((i) => 0x1_0000_0000n + BigInt(i) * 4096n));
  // A call that returned a count (or an unknown return) leaves nothing final.
  assert.deepEqual(unsettledPages(call([0, 1], [1, 1], [1, 1], false)), { covered: 2, unsettled: 2 });
});

test('each page is decided from where it is now and what the call said', () => {
  const b = book(7);
  // A call that returned a count, so every page was asked again. Entries: a page found on its
  // target; a busy page found moved after all; a busy one still on node 0; a refused one; a
  // page gone meanwhile; two pages the kernel never answered for, one of which moved anyway.
  const c: CallAnswers = {
    first: Uint32Array.of(0, 1, 2, 3, 4, 5),
    count: Uint32Array.of(1, 1, 1, 1, 1, 2),
    nodes: new Int32Array(6).fill(1),
    answer: Int32Array.of(1, -EBUSY, -EBUSY, -EACCES, 1, NOT_WRITTEN),
    complete: false,
  };
  const moved = applyAnswers(b, c, Int32Array.of(1, 1, 0, 0, -ENOENT, 0, 1));
  assert.equal(moved, 3);
  assert.deepEqual([...b.state], [PageState.Moved, PageState.Moved, PageState.Retry, PageState.Failed, PageState.Failed, PageState.Retry, PageState.Moved]);
  assert.deepEqual([...b.status], [1, 1, -EBUSY, -EACCES, -ENOENT, -EAGAIN, 1]);
  assert.deepEqual([...b.current], [1, 1, 0, 0, -ENOENT, 0, 1]);

  // A stretch taken for a folio whose second page stayed behind: small pages, sent again.
  const folio = book(2);
  applyAnswers(folio, call([0], [2], [1], true), Int32Array.of(1, 0));
  assert.deepEqual([...folio.state], [PageState.Moved, PageState.Pending]);
});

test('final answers are recorded without a second query', () => {
  const b = book(2);
  const c = call([0, 1], [1, 1], [1, 1], true);
  assert.deepEqual(unsettledPages(c), { covered: 2, unsettled: 0 });
  assert.equal(applyAnswers(b, c, new Int32Array(0)), 2);
  assert.deepEqual([...b.status], [1, 1]);
});

test('only a page waiting on a busy answer counts as contention', () => {
  const state = Uint8Array.of(PageState.Retry, PageState.Failed);
  assert.equal(anyBusy(state, Int32Array.of(-EAGAIN, -EBUSY)), false);
  assert.equal(anyBusy(state, Int32Array.of(-EBUSY, 0)), true);
});
