/** chunks.ts: how many pages each move and query call carries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkSizer, MAX_CHUNK_PAGES, MIN_CHUNK_PAGES, QUERY_CHUNK_PAGES, queryPieces, retryChunkPages } from '../../../app/main/migrator/chunks.js';

test('a call grows at most fourfold, towards what fits the 250 ms budget at the last rate', () => {
  const sizer = new ChunkSizer(null);
  assert.equal(sizer.pages, MIN_CHUNK_PAGES);
  // 1024 pages in 100 ms: 2560 would fit, less than fourfold.
  sizer.record(1024, 100, true);
  assert.equal(sizer.pages, 2560);
  // 2560 pages in 10 ms: 64,000 would fit, but growth is bounded by 4x.
  sizer.record(2560, 10, true);
  assert.equal(sizer.pages, 10240);
  sizer.record(10240, 1, true);
  assert.equal(sizer.pages, MAX_CHUNK_PAGES);
});

test('a call that took no measurable time, or carried fewer pages than the size, keeps the size', () => {
  const sizer = new ChunkSizer(null);
  sizer.record(1024, 0, true);
  sizer.record(1024, Number.NaN, true);
  sizer.record(1000, 1, true);
  assert.equal(sizer.pages, MIN_CHUNK_PAGES);
  // Contention resets even after a short call.
  sizer.record(1024, 1, true);
  sizer.record(10, 1, false);
  assert.equal(sizer.pages, MIN_CHUNK_PAGES);
});

test('a size the caller fixed ignores contention too', () => {
  const sizer = new ChunkSizer(7);
  sizer.record(7, 1000, false);
  assert.equal(sizer.pages, 7);
});

test('retry rounds send a few leftovers one per call and many in small chunks', () => {
  assert.equal(retryChunkPages(1, null), 1);
  assert.equal(retryChunkPages(64, null), 1);
  assert.equal(retryChunkPages(65, null), MIN_CHUNK_PAGES);
  assert.equal(retryChunkPages(65, 8), 8);
});

test('the query starts small so moves can start soon, unless the caller fixed the call size', () => {
  assert.deepEqual(queryPieces(null), { firstPiece: MIN_CHUNK_PAGES, piece: QUERY_CHUNK_PAGES });
  assert.deepEqual(queryPieces(3), { firstPiece: 12, piece: 12 });
});
