/**
 * One-shot commands scan a small process on their own thread (no worker to start) and a large
 * one on the worker; both answer the same as the worker does.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Placement } from '../../../app/common/types.js';
import { SMALL_TARGET_PAGES } from '../../../app/main/sampler/in-thread.js';
import { scanProcess } from '../../../app/main/sampler/scan.js';
import { Target } from '../../helpers/target.js';

const small = await Target.start(['--anon', '8M', '--untouched', '4M', '--sparse', '64M:50']);
const large = await Target.start(['--anon', `${(SMALL_TARGET_PAGES * 4096 * 2) / (1 << 20)}M`]);
after(async () => {
  await small.stop();
  await large.stop();
});

function flatten(placement: Placement): { start: bigint; end: bigint; status: number[] }[] {
  return placement.regions.map((r) => ({ start: r.vma.start, end: r.vma.end, status: [...r.status.toArray()] }));
}

test('a small process is scanned on the caller\'s thread, with the worker\'s answers', async () => {
  const onWorker = await scanProcess(small.pid);
  const here = await scanProcess(small.pid, { thread: 'auto' });
  assert.equal(onWorker.stats.thread, 'worker');
  assert.equal(here.stats.thread, 'caller');
  assert.deepEqual(flatten(here.placement), flatten(onWorker.placement));
  assert.deepEqual(here.placement.identity, onWorker.placement.identity);
});

test('a process past the small limit goes to the worker even when the caller may scan', async () => {
  const result = await scanProcess(large.pid, { thread: 'auto' });
  assert.equal(result.stats.thread, 'worker');
});

test('on the caller\'s thread, progress ends at the total and cancelling refuses with the reason', async () => {
  const reports: [number, number][] = [];
  const result = await scanProcess(small.pid, { thread: 'auto', progressIntervalMs: 0, onProgress: (done, total) => reports.push([done, total]) });
  const total = result.stats.totalPages;
  assert.deepEqual(reports.at(-1), [total, total]);
  const controller = new AbortController();
  controller.abort(new Error('stopped by the user'));
  await assert.rejects(scanProcess(small.pid, { thread: 'auto', signal: controller.signal }), /stopped by the user/);
});

test('a kernel thread (no resident pages: the caller\'s thread) answers as on the worker', async () => {
  const settle = (promise: Promise<{ placement: Placement; stats: { thread?: string } }>): Promise<unknown> =>
    promise.then(
      (result) => ({ regions: flatten(result.placement), thread: result.stats.thread }),
      (error: unknown) => ({ error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) }),
    );
  const onWorker = (await settle(scanProcess(2))) as { thread?: string };
  const here = (await settle(scanProcess(2, { thread: 'auto' }))) as { thread?: string };
  if (here.thread !== undefined) {
    assert.equal(here.thread, 'caller');
    assert.equal(onWorker.thread, 'worker');
    delete here.thread;
    delete onWorker.thread;
  }
  assert.deepEqual(here, onWorker);
});
