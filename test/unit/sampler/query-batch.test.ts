/** The addresses of one move_pages call, the answers written back, and batches kept between scans. */
import { BLOCK_PAGES, StatusStore } from '../../../app/common/status-store.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerWriter } from '../../../app/main/sampler/answer-writer.js';
import { ChangeLog } from '../../../app/main/sampler/changes.js';
import type { EngineRegion } from '../../../app/main/sampler/engine.js';
import { Batch, returnBatch, takeBatch, writePageAddress } from '../../../app/main/sampler/query-batch.js';

const PAGE = 4096;

test('page addresses are written exactly, below and far above 4 GiB', () => {
  const addresses = new BigUint64Array(3);
  const halves = new Uint32Array(addresses.buffer);
  writePageAddress(halves, 0, 1, PAGE);
  writePageAddress(halves, 1, 2 ** 20, PAGE); // exactly 4 GiB
  writePageAddress(halves, 2, 0x7ffffffff, PAGE); // the top of a 47-bit address space
  assert.deepEqual([...addresses], [0x1000n, 0x1_0000_0000n, 0x7fff_ffff_f000n]);
});

test('consecutive pages cross the 4 GiB boundary without a wrong high half', () => {
  const batch = new Batch(8);
  const first = 2 ** 20 - 2;
  assert.equal(batch.addPages(0, 5, first, 4, PAGE), 4);
  assert.deepEqual([...batch.addresses.subarray(0, 4)], [0xffff_e000n, 0xffff_f000n, 0x1_0000_0000n, 0x1_0000_1000n]);
  assert.equal(batch.size, 4);
  assert.equal(batch.segments, 1);
  assert.deepEqual([batch.segRegion[0], batch.segIndex[0], batch.segCount[0], batch.segOffset[0], batch.segFill[0]], [0, 5, 4, 0, 0]);
});

test('a batch takes only what fits and says when it is full', () => {
  const batch = new Batch(5);
  assert.equal(batch.addPages(1, 0, 100, 3, PAGE), 3);
  assert.equal(batch.full, false);
  assert.equal(batch.addPages(2, 0, 200, 10, PAGE), 2);
  assert.equal(batch.full, true);
  assert.deepEqual([...batch.addresses], [100n, 101n, 102n, 200n, 201n].map((page) => page * BigInt(PAGE)));
  assert.deepEqual([batch.segRegion[1], batch.segCount[1], batch.segOffset[1]], [2, 2, 3]);
  batch.clear();
  assert.equal(batch.size, 0);
  assert.equal(batch.segments, 0);
});

test('a filled segment is one address whose answer covers many pages', () => {
  const batch = new Batch(4);
  batch.addFilled(3, 10, 1024, 512, PAGE);
  assert.equal(batch.size, 1);
  assert.equal(batch.addresses[0], 1024n * BigInt(PAGE));
  assert.deepEqual([batch.segRegion[0], batch.segIndex[0], batch.segCount[0], batch.segOffset[0], batch.segFill[0]], [3, 10, 512, 0, 1]);
});

test('a returned batch is handed out again, emptied, only for its own capacity', () => {
  const capacity = 4321; // no other test uses it, so the kept batches start without one
  const batch = takeBatch(capacity);
  batch.addPages(0, 0, 1, 10, PAGE);
  returnBatch(batch);
  assert.notEqual(takeBatch(capacity + 1), batch);
  const again = takeBatch(capacity);
  assert.equal(again, batch);
  assert.equal(again.size, 0);
  assert.equal(again.segments, 0);
  assert.notEqual(takeBatch(capacity), batch, 'a batch is handed out once');
});

function region(firstPage: number, status: number[], tracked: boolean): EngineRegion {
  return { firstPage, pages: status.length, queryAll: false, tracked, status: StatusStore.of(status, firstPage % BLOCK_PAGES) };
}

test('stored answers land in their regions; filled segments cover their pages', () => {
  const regions = [region(0, [0, 0, 0, 0], false), region(100, new Array<number>(40).fill(0), false)];
  const batch = new Batch(32);
  batch.addPages(0, 1, 1, 2, PAGE);
  batch.addFilled(1, 0, 100, 20, PAGE);
  batch.addPages(1, 20, 120, 20, PAGE); // a run longer than the short-copy path
  batch.status.set([1, -2, 3, ...Array.from({ length: 20 }, (_, i) => i % 4)]);
  new AnswerWriter(regions, null, PAGE).store(batch);
  assert.deepEqual([...(regions[0] as EngineRegion).status.toArray()], [0, 1, -2, 0]);
  assert.deepEqual([...(regions[1] as EngineRegion).status.toArray()], [...new Array<number>(20).fill(3), ...Array.from({ length: 20 }, (_, i) => i % 4)]);
  assert.equal(batch.size, 0, 'a stored batch is emptied');
});

test('a tracked region records exactly the pages whose answer changed; an untracked one records none', () => {
  const tracked = region(10, [0, 0, 1, 1], true);
  const untracked = region(50, [0, 0], false);
  const changes = new ChangeLog(16);
  const writer = new AnswerWriter([tracked, untracked], changes, PAGE);
  assert.equal(writer.tracksChanges(0), true);
  assert.equal(writer.tracksChanges(1), false);
  const batch = new Batch(8);
  batch.addPages(0, 0, 10, 1, PAGE);
  batch.addPages(0, 2, 12, 2, PAGE);
  batch.addPages(1, 0, 50, 2, PAGE);
  batch.status.set([1, 1, 0, 1, 1]);
  writer.store(batch);
  writer.fill(0, 1, 2, -2);
  assert.deepEqual([...tracked.status.toArray()], [1, -2, 1, 0]);
  assert.deepEqual([...untracked.status.toArray()], [1, 1]);
  assert.deepEqual(changes.list(), [
    { address: 10n * BigInt(PAGE), from: 0, to: 1 },
    { address: 11n * BigInt(PAGE), from: 0, to: -2 },
    { address: 13n * BigInt(PAGE), from: 1, to: 0 },
  ]);
  assert.equal(new AnswerWriter([tracked], null, PAGE).tracksChanges(0), false, 'no change log, nothing tracked');
});
