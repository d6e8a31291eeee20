/** calls.ts: the checks before each move call, the call, and reading its answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MoveBackend } from '../../../app/main/migrator/backend.js';
import { MoveCalls } from '../../../app/main/migrator/calls.js';
import { NOT_WRITTEN, type PageBook } from '../../../app/main/migrator/settle.js';
import { Stop } from '../../../app/main/migrator/stop.js';
import { PageState } from '../../../app/main/migrator/survey.js';
import type { ProcessIdentity } from '../../../app/common/types.js';

const identity: ProcessIdentity = { pid: 42, comm: 'fake', cmdline: [], startTime: 1 };
const EBUSY = 16;

/** Every page on node 0 until a move call says otherwise; `answers` scripts the move calls. */
class Backend implements MoveBackend {
  readonly calls: { query: boolean; pages: bigint[]; prefilled: number[] }[] = [];
  readonly where = new Map<bigint, number>();
  gone: string | null = null;
  answers: ((pages: BigUint64Array, nodes: Int32Array, status: Int32Array) => number)[] = [];

  async movePages(_pid: number, pages: BigUint64Array, nodes: Int32Array | null, _flags: number, out?: Int32Array): Promise<{ status: Int32Array; notMoved?: number }> {
    const status = out ?? new Int32Array(pages.length);
    this.calls.push({ query: nodes === null, pages: [...pages], prefilled: [...status] });
    if (nodes === null) {
      pages.forEach((p, i) => (status[i] = this.where.get(p) ?? 0));
      return { status };
    }
    const answer = this.answers.shift();
    return { status, notMoved: answer ? answer(pages, nodes, status) : 0 };
  }

  async whyGone(): Promise<string | null> {
    return this.gone;
  }

  async hugeRanges(): Promise<[]> {
    return [];
  }
}

function setup(pages: number, backend: Backend, signal?: AbortSignal): { calls: MoveCalls; book: PageBook; addresses: BigUint64Array } {
  const addresses = BigUint64Array.from({ length: pages }, (_, i) => 0x10000n + BigInt(i) * 4096n);
  const book: PageBook = { targets: new Int32Array(pages).fill(1), state: new Uint8Array(pages).fill(PageState.Pending), status: new Int32Array(pages), current: new Int32Array(pages) };
  return { calls: new MoveCalls({ identity, flags: 2, pages: addresses, book, signal, backend }), book, addresses };
}

test('a call goes out with its status buffer marked unwritten, and marks the move as started', async () => {
  const backend = new Backend();
  const { calls, addresses } = setup(2, backend);
  assert.equal(calls.sent, false);
  const out = Int32Array.of(5, 5);
  const { notMoved, ms } = await calls.send(addresses, Int32Array.of(1, 1), out);
  assert.deepEqual([notMoved, calls.sent, backend.calls[0]?.prefilled], [0, true, [NOT_WRITTEN, NOT_WRITTEN]]);
  assert.ok(ms >= 0);
});

test('no call goes out once cancelled or once the process has gone', async () => {
  const backend = new Backend();
  const controller = new AbortController();
  const { calls, addresses } = setup(1, backend, controller.signal);
  backend.gone = 'process 42 was replaced by another';
  await assert.rejects(calls.send(addresses, Int32Array.of(1), new Int32Array(1)), (e) => e instanceof Stop && e.outcome === 'exited' && e.detail === 'process 42 was replaced by another');
  controller.abort();
  await assert.rejects(calls.send(addresses, Int32Array.of(1), new Int32Array(1)), (e) => e instanceof Stop && e.outcome === 'cancelled');
  assert.deepEqual([backend.calls.length, calls.sent], [0, false]);
});

test('a whole-call failure is a Stop', async () => {
  const backend = new Backend();
  const { calls, addresses } = setup(1, backend);
  backend.answers.push(() => {
    throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
  });
  await assert.rejects(calls.send(addresses, Int32Array.of(1), new Int32Array(1)), (e) => e instanceof Stop && e.outcome === 'failed' && e.code === 'EACCES');
});

test('settling asks again only about pages whose answer is not final, and counts what moved', async () => {
  const backend = new Backend();
  const { calls, book, addresses } = setup(3, backend);
  // Page 1 answered busy but moved (a folio tail that went with its head).
  backend.where.set(addresses[1] as bigint, 1);
  const result = await calls.settle(Uint32Array.of(0, 1, 2), Uint32Array.of(1, 1, 1), Int32Array.of(1, 1, 1), Int32Array.of(1, -EBUSY, 1), 0);
  assert.deepEqual(result, { covered: 3, clean: false });
  assert.deepEqual(backend.calls.map((c) => [c.query, c.pages]), [[true, [addresses[1]]]]);
  assert.deepEqual([calls.moved, [...book.state]], [3, [PageState.Moved, PageState.Moved, PageState.Moved]]);
});

test('a clean call to one node is recorded with fills', () => {
  const { calls, book } = setup(5, new Backend());
  calls.recordMoved([0, 2, 3, 5], 1, 4);
  assert.deepEqual([calls.moved, [...book.state], [...book.status], [...book.current]], [4, [2, 2, 1, 2, 2], [1, 1, 0, 1, 1], [1, 1, 0, 1, 1]]);
});
