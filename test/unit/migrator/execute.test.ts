/**
 * The move executor against a simulated kernel that behaves like mm/migrate.c's
 * do_pages_move: batches of consecutive entries to one node, a batch flushed whenever a page
 * cannot be queued, the rest of the call abandoned (no status written) when a batch does not
 * migrate completely (and a positive return, the count not moved), huge folios isolated once
 * and busy for their other addresses. That drives the paths a one-node host cannot: busy
 * pages, pinned pages, folios, partial batches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MoveBackend } from '../../../app/main/migrator/backend.js';
import { ChunkSizer } from '../../../app/main/migrator/chunks.js';
import { execute } from '../../../app/main/migrator/run.js';
import type { MoveJob, MoveProgress, MoveResult } from '../../../app/main/migrator/types.js';
import { pageAddresses, segmentsOfPages, type HugeRange } from '../../../app/main/migrator/plan.js';
import type { ProcessIdentity } from '../../../app/common/types.js';

const PAGE = 4096;
const FOLIO = 4 * PAGE;
const [ENOENT, EACCES, EBUSY, EAGAIN] = [2, 13, 16, 11];
const identity: ProcessIdentity = { pid: 42, comm: 'fake', cmdline: [], startTime: 1 };

interface FakePage {
  node: number;
  /** Pages with the same folio move together. */
  folio: bigint;
  shared: boolean;
  /** How many more times isolation fails with -EBUSY. */
  busy: number;
  /** Migration of its folio always fails (a pinned page). */
  pinned: boolean;
}

class FakeKernel implements MoveBackend {
  readonly pages = new Map<bigint, FakePage>();
  /** Every move-mode call: the addresses and nodes sent. */
  readonly moves: { addresses: number[]; nodes: number[] }[] = [];
  /** Every query-mode call: how many addresses it asked about. */
  readonly queries: number[] = [];
  gone: string | null = null;
  huge: HugeRange[] = [];
  /** Query calls and move calls in the order they ended: 'q' or 'm' and the pages carried. */
  readonly log: string[] = [];
  /** Pages asked about so far; moving one that was not would leave the undo record blind. */
  readonly asked = new Set<bigint>();
  /** Makes each query call wait for a turn of the event loop, as a thread hand-off does. */
  slowQueries = false;
  /** The huge page hints wait for this (smaps can take longer than the first move call). */
  hugeLate: Promise<void> = Promise.resolve();
  /** Called before each query call answers; may set `gone`. */
  beforeQuery: (queriesSoFar: number) => void = () => {};

  /** The pages of each folio, so a batch finds its folios' pages without a scan. */
  private readonly folios = new Map<bigint, FakePage[]>();

  add(start: number, count: number, node: number, extra: Partial<FakePage> = {}, folioPages = 1): void {
    for (let i = 0; i < count; i++) {
      const address = BigInt(start + i * PAGE);
      const folio = BigInt(start + Math.floor(i / folioPages) * folioPages * PAGE);
      const page = { node, folio, shared: false, busy: 0, pinned: false, ...extra };
      this.pages.set(address, page);
      const members = this.folios.get(folio) ?? [];
      members.push(page);
      this.folios.set(folio, members);
    }
  }

  async movePages(_pid: number, addresses: BigUint64Array, nodes: Int32Array | null, flags: number, status = new Int32Array(addresses.length)): Promise<{ status: Int32Array; notMoved: number }> {
    if (nodes === null && this.slowQueries) await new Promise<void>((resolve) => setImmediate(resolve));
    else await Promise.resolve();
    if (nodes === null) this.beforeQuery(this.queries.length);
    if (this.gone) throw Object.assign(new Error('move_pages failed: ESRCH'), { code: 'ESRCH' });
    if (nodes === null) {
      this.queries.push(addresses.length);
      this.log.push(`q${addresses.length}`);
      addresses.forEach((a, i) => {
        this.asked.add(a);
        status[i] = this.pages.get(a)?.node ?? -ENOENT;
      });
      return { status, notMoved: 0 };
    }
    for (const a of addresses) if (!this.asked.has(a)) throw new Error(`page 0x${a.toString(16)} sent before it was asked about`);
    this.log.push(`m${addresses.length}`);
    this.moves.push({ addresses: [...addresses].map(Number), nodes: [...nodes] });
    const batch = new Set<bigint>();
    let current = -1;
    let start = 0;
    // Migrates the queued folios and returns how many did not move (then no status is
    // written, and the call returns that count plus the entries it never looked at).
    const flush = (end: number): number => {
      let failed = 0;
      for (const folio of batch) {
        const members = this.folios.get(folio) ?? [];
        if (members.some((p) => p.pinned)) failed++;
        else for (const p of members) p.node = current;
      }
      if (failed === 0 && batch.size > 0) status.fill(current, start, end);
      batch.clear();
      return failed;
    };
    for (let i = 0; i < addresses.length; i++) {
      const node = nodes[i] as number;
      if (node !== current) {
        const failed = flush(i);
        if (failed > 0) return { status, notMoved: failed + addresses.length - i };
        current = node;
        start = i;
      }
      const page = this.pages.get(addresses[i] as bigint);
      let answer: number;
      if (!page) answer = -ENOENT;
      else if (page.node === node) answer = node;
      else if (page.shared && (flags & 4) === 0) answer = -EACCES;
      else if (batch.has(page.folio)) answer = -EBUSY;
      else if (page.busy > 0) {
        page.busy--;
        answer = -EBUSY;
      } else {
        batch.add(page.folio);
        continue;
      }
      status[i] = answer;
      const failed = flush(i);
      if (failed > 0) return { status, notMoved: failed + addresses.length - i - 1 };
      current = -1;
      start = i + 1;
    }
    return { status, notMoved: flush(addresses.length) };
  }

  async whyGone(): Promise<string | null> {
    return this.gone;
  }

  async hugeRanges(): Promise<HugeRange[]> {
    await this.hugeLate;
    return this.huge;
  }
}

function job(start: number, count: number, target: number | Int32Array, flags = 2): MoveJob {
  const segments = [{ start: BigInt(start), end: BigInt(start + count * PAGE) }];
  const pages = pageAddresses(segments, PAGE);
  return {
    identity,
    flags,
    toNode: typeof target === 'number' ? target : null,
    pageSize: PAGE,
    segments: segmentsOfPages(pages, PAGE),
    pages,
    targets: typeof target === 'number' ? new Int32Array(count).fill(target) : target,
    requested: count,
    unmapped: 0,
    started: Date.now(),
  };
}

const fast = { retryDelayMs: 0 };

function outline(result: MoveResult): object {
  return {
    outcome: result.outcome,
    message: result.message,
    counts: result.counts,
    failures: result.failures.map((f) => [f.code, f.pages]),
    status: [...result.status],
    undo: { pages: [...result.undo.pages].map(Number), nodes: [...result.undo.nodes] },
  };
}

const BASE = 0x100000;
const at = (page: number): number => BASE + page * PAGE;

test('huge folios go as one address each, small pages one by one, all in one call', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 8, 0, {}, 4);
  fake.add(at(8), 4, 0);
  fake.huge = [{ start: BigInt(at(0)), end: BigInt(at(8)), folioSize: FOLIO }];
  const result = await execute(job(at(0), 12, 1), fast, fake);
  assert.deepEqual(
    { ...outline(result), moves: fake.moves },
    {
      outcome: 'complete',
      message: '12 pages moved to node 1, 0 already there',
      counts: { requested: 12, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: 12, moved: 12, failed: 0, notAttempted: 0 },
      failures: [],
      status: new Array(12).fill(1),
      undo: { pages: Array.from({ length: 12 }, (_, i) => at(i)), nodes: new Array(12).fill(0) },
      moves: [{ addresses: [at(0), at(4), at(8), at(9), at(10), at(11)], nodes: [1, 1, 1, 1, 1, 1] }],
    },
  );
});

test('without huge page hints, folio tails answer -EBUSY but the check afterwards counts them as moved', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 8, 0, {}, 4);
  const result = await execute(job(at(0), 8, 1), fast, fake);
  assert.deepEqual([result.counts.moved, result.failures, fake.moves.length], [8, [], 1]);
});

test('a stretch wrongly taken for a huge folio is finished page by page', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 8, 0);
  fake.huge = [{ start: BigInt(at(0)), end: BigInt(at(8)), folioSize: FOLIO }];
  const result = await execute(job(at(0), 8, 1), fast, fake);
  assert.deepEqual(
    { moved: result.counts.moved, failures: result.failures, moves: fake.moves.map((m) => m.addresses) },
    { moved: 8, failures: [], moves: [[at(0), at(4)], [at(1), at(2), at(3), at(5), at(6), at(7)]] },
  );
});

test('busy pages are retried a bounded number of times, then reported as -EBUSY', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 6, 0);
  (fake.pages.get(BigInt(at(1))) as FakePage).busy = 2;
  (fake.pages.get(BigInt(at(4))) as FakePage).busy = 100;
  const phases: string[] = [];
  const result = await execute(job(at(0), 6, 1), { ...fast, onProgress: (p) => phases.push(p.phase) }, fake);
  assert.deepEqual(
    { ...outline(result), moves: fake.moves.map((m) => m.addresses), phases: [...new Set(phases)] },
    {
      outcome: 'complete',
      message: '5 pages moved to node 1, 0 already there, 1 failed',
      counts: { requested: 6, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: 6, moved: 5, failed: 1, notAttempted: 0 },
      failures: [['EBUSY', 1]],
      status: [1, 1, 1, 1, -EBUSY, 1],
      undo: { pages: [at(0), at(1), at(2), at(3), at(5)], nodes: [0, 0, 0, 0, 0] },
      // The main pass, then three retry rounds, one page per call; page 1 gets through in the second.
      moves: [[at(0), at(1), at(2), at(3), at(4), at(5)], [at(1)], [at(4)], [at(1)], [at(4)], [at(4)]],
      phases: ['query', 'move', 'retry'],
    },
  );
  assert.match(result.failures[0]?.reason ?? '', /busy/);
});

test('a pinned page fails alone: the pages the kernel abandoned after it are moved in the next round', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 4, 0);
  fake.add(at(4), 4, 0, { shared: true });
  (fake.pages.get(BigInt(at(1))) as FakePage).pinned = true;
  const result = await execute(job(at(0), 8, 1), fast, fake);
  assert.deepEqual(
    { counts: result.counts, failures: result.failures.map((f) => [f.code, f.pages]), status: [...result.status], moves: fake.moves.map((m) => m.addresses) },
    {
      counts: { requested: 8, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: 8, moved: 3, failed: 5, notAttempted: 0 },
      failures: [['EACCES', 4], ['EAGAIN', 1]],
      status: [1, -EAGAIN, 1, 1, -EACCES, -EACCES, -EACCES, -EACCES],
      // The shared page at 4 stops the first call: the batch before it fails on the pinned
      // page, and 5-7 are never looked at. The retries ask about each page alone.
      moves: [[at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)], [at(1)], [at(5)], [at(6)], [at(7)], [at(1)], [at(1)]],
    },
  );
  // With MOVE_ALL the shared pages go too.
  const all = await execute(job(at(4), 4, 1, 4), fast, fake);
  assert.deepEqual([all.counts.moved, all.failures], [4, []]);
});

test('pages not present are left alone and pages on the target count as already there', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 2, 1);
  fake.add(at(3), 1, 0);
  const result = await execute(job(at(0), 4, 1), fast, fake);
  assert.deepEqual(outline(result), {
    outcome: 'complete',
    message: '1 page moved to node 1, 2 already there, 1 not present',
    counts: { requested: 4, unmapped: 0, notPresent: 1, alreadyOnTarget: 2, toMove: 1, moved: 1, failed: 0, notAttempted: 0 },
    failures: [],
    status: [1, 1, -ENOENT, 1],
    undo: { pages: [at(3)], nodes: [0] },
  });
});

test('requests to several nodes are sorted by node', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 6, 3);
  const result = await execute(job(at(0), 6, Int32Array.of(2, 0, 1, 0, 2, 1)), fast, fake);
  assert.deepEqual(
    { moves: fake.moves, status: [...result.status], toNode: result.toNode, message: result.message },
    {
      moves: [{ addresses: [at(1), at(3), at(2), at(5), at(0), at(4)], nodes: [0, 0, 1, 1, 2, 2] }],
      status: [2, 0, 1, 0, 2, 1],
      toNode: null,
      message: '6 pages moved back',
    },
  );
});

test('work is chunked, progress counts up to the total, and the signal cancels between chunks', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 12, 0);
  const controller = new AbortController();
  const seen: MoveProgress[] = [];
  const result = await execute(
    job(at(0), 12, 1),
    {
      ...fast,
      chunkPages: 4,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.phase === 'move' && p.done === 8) controller.abort();
      },
    },
    fake,
  );
  assert.deepEqual(
    { ...outline(result), moves: fake.moves.length, seen },
    {
      outcome: 'cancelled',
      message: 'move cancelled; 8 of 12 pages had been moved (undo puts them back)',
      counts: { requested: 12, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: 12, moved: 8, failed: 0, notAttempted: 4 },
      failures: [],
      status: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
      undo: { pages: Array.from({ length: 8 }, (_, i) => at(i)), nodes: new Array(8).fill(0) },
      moves: 2,
      seen: [
        { phase: 'query', done: 12, total: 12 },
        { phase: 'move', done: 4, total: 12 },
        { phase: 'move', done: 8, total: 12 },
      ],
    },
  );
  assert.equal(result.error, null);
});

test('a process that exits between chunks ends the move with a clear message', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 12, 0);
  const result = await execute(
    job(at(0), 12, 1),
    { ...fast, chunkPages: 4, onProgress: (p) => void (p.phase === 'move' && (fake.gone = 'process 42 exited')) },
    fake,
  );
  assert.deepEqual(
    { outcome: result.outcome, message: result.message, error: result.error, moved: result.counts.moved, notAttempted: result.counts.notAttempted },
    {
      outcome: 'exited',
      message: 'process 42 exited during the move; 4 of 12 pages had been moved',
      error: { code: 'ESRCH', message: 'process 42 exited' },
      moved: 4,
      notAttempted: 8,
    },
  );
});

test('an exit during the query means nothing moved: the move does not start', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 4, 0);
  fake.gone = 'process 42 exited';
  await assert.rejects(execute(job(at(0), 4, 1), fast, fake), { name: 'MigratorError', code: 'ESRCH', message: 'process 42 exited before any page was moved' });
});

test('a call that returned 0 with every page on its target is not asked about again', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 12, 0);
  const result = await execute(job(at(0), 12, 1), { ...fast, chunkPages: 4 }, fake);
  assert.deepEqual([result.counts.moved, fake.moves.length, fake.queries], [12, 3, [12]]);
});

test('after a call that returned 0, pages that answered busy are asked again: folio tails moved with their head', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 8, 0, {}, 4);
  const result = await execute(job(at(0), 8, 1), fast, fake);
  // The first tail of each folio answers -EBUSY (its folio is queued), which makes the kernel
  // migrate the batch; the later tails then answer "already there". So: the query, then the two
  // busy tails; every other answer stands.
  assert.deepEqual([result.counts.moved, result.failures, fake.queries], [8, [], [8, 2]]);
});

test('after a call that returned a count, every page it carried is asked about again', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 4, 0);
  (fake.pages.get(BigInt(at(1))) as FakePage).pinned = true;
  const result = await execute(job(at(0), 4, 1), fast, fake);
  // The query, the whole first call (the kernel wrote no status for it), then the pinned page
  // alone after each of its three retries.
  assert.deepEqual([result.counts.moved, fake.queries], [3, [4, 4, 1, 1, 1]]);
});

test('calls grow while every page moves and within the time budget, and shrink at the first contention', () => {
  const sizer = new ChunkSizer(null);
  const seen = [sizer.pages];
  // Fast calls: fourfold each time, up to the cap.
  for (let i = 0; i < 4; i++) {
    sizer.record(sizer.pages, 1, true);
    seen.push(sizer.pages);
  }
  assert.deepEqual(seen, [1024, 4096, 16384, 16384, 16384]);
  // 16384 pages in 500 ms: half of that fits the 250 ms budget.
  sizer.record(16384, 500, true);
  assert.equal(sizer.pages, 8192);
  // A short last call says nothing about the rate.
  sizer.record(100, 10_000, true);
  assert.equal(sizer.pages, 8192);
  // Slow calls never go below 1024 pages.
  sizer.record(8192, 100_000, true);
  assert.equal(sizer.pages, 1024);
  sizer.record(1024, 1, true);
  assert.equal(sizer.pages, 4096);
  sizer.record(4096, 1, false);
  assert.equal(sizer.pages, 1024);
  // A size the caller fixed stays fixed.
  const fixed = new ChunkSizer(4);
  fixed.record(4, 0.001, true);
  assert.equal(fixed.pages, 4);
});

test('pages to move scattered among others go together in one call, and blocks of alike pages are decided whole', async () => {
  const fake = new FakeKernel();
  // More than one 4096-page block on node 0, then a page already there, a missing page, and
  // two more to move: runs [0, 4097) and [4099, 4101) of the 4101 pages.
  fake.add(at(0), 4097, 0);
  fake.add(at(4097), 1, 1);
  fake.add(at(4099), 2, 0);
  const result = await execute(job(at(0), 4101, 1), { ...fast, chunkPages: 8192 }, fake);
  const expected = new Array(4101).fill(1);
  expected[4098] = -ENOENT;
  assert.deepEqual(
    {
      counts: result.counts,
      status: [...result.status],
      undo: result.undo.pages.length,
      undoNodes: new Set(result.undo.nodes),
      sent: fake.moves.map((m) => [m.addresses.length, m.addresses.at(-3), m.addresses.at(-2), m.addresses.at(-1)]),
      queries: fake.queries,
    },
    {
      counts: { requested: 4101, unmapped: 0, notPresent: 1, alreadyOnTarget: 1, toMove: 4099, moved: 4099, failed: 0, notAttempted: 0 },
      status: expected,
      undo: 4099,
      undoNodes: new Set([0]),
      sent: [[4099, at(4096), at(4099), at(4100)]],
      queries: [4101],
    },
  );
  assert.equal(result.undo.pages[4096], BigInt(at(4096)));
  assert.equal(result.undo.pages[4097], BigInt(at(4099)));
});

test('moves start after the first piece of the query, which runs ahead of them, and no page goes before it was asked about', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 40, 0);
  fake.slowQueries = true;
  const seen: MoveProgress[] = [];
  const result = await execute(job(at(0), 40, 1), { ...fast, chunkPages: 2, onProgress: (p) => seen.push(p) }, fake);
  // Pieces of 8 pages; moves of 2 follow the first piece and interleave with the rest.
  assert.deepEqual(fake.queries, [8, 8, 8, 8, 8]);
  assert.equal(fake.log[0], 'q8');
  assert.ok(fake.log.indexOf('m2') < fake.log.lastIndexOf('q8'), `moves waited for the whole query: ${fake.log.join(' ')}`);
  assert.deepEqual(
    { outcome: result.outcome, counts: result.counts, before: [...result.before], undo: result.undo.pages.length },
    {
      outcome: 'complete',
      counts: { requested: 40, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: 40, moved: 40, failed: 0, notAttempted: 0 },
      before: new Array(40).fill(0),
      undo: 40,
    },
  );
  // One query event before the moves; move totals never grow and end at the pages moved.
  assert.deepEqual(seen.filter((p) => p.phase === 'query'), [{ phase: 'query', done: 8, total: 40 }]);
  const moves = seen.filter((p) => p.phase === 'move');
  assert.deepEqual(moves.at(-1), { phase: 'move', done: 40, total: 40 });
  for (let i = 1; i < moves.length; i++) assert.ok((moves[i] as MoveProgress).total <= (moves[i - 1] as MoveProgress).total);
});

test('a process that exits while the query runs ahead: what was found moved, the rest counts as not attempted', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 40, 0);
  fake.slowQueries = true;
  // The third piece of the query finds the process gone.
  fake.beforeQuery = (n) => void (n === 2 && (fake.gone = 'process 42 exited'));
  const result = await execute(job(at(0), 40, 1), { ...fast, chunkPages: 2 }, fake);
  const c = result.counts;
  assert.equal(result.outcome, 'exited');
  assert.equal(result.message, `process 42 exited during the move; ${c.moved} of ${c.toMove} pages had been moved`);
  assert.equal(c.toMove, 16);
  assert.ok(c.moved > 0 && c.moved <= 16, `moved ${c.moved}`);
  assert.equal(c.moved + c.notAttempted, 40);
  // The 24 pages never asked about: what is known of them is that the process went away.
  assert.deepEqual([...result.before.subarray(16)], new Array(24).fill(-3));
  assert.deepEqual([...result.status.subarray(16)], new Array(24).fill(-3));
  assert.equal(result.undo.pages.length, c.moved);
});

test('a cancel during the moves still leaves a whole record: the query finishes', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 40, 0);
  fake.slowQueries = true;
  const controller = new AbortController();
  const result = await execute(
    job(at(0), 40, 1),
    { ...fast, chunkPages: 2, signal: controller.signal, onProgress: (p) => void (p.phase === 'move' && controller.abort()) },
    fake,
  );
  assert.equal(result.outcome, 'cancelled');
  assert.deepEqual(fake.queries, [8, 8, 8, 8, 8]);
  assert.deepEqual([result.counts.toMove, result.counts.moved, result.counts.notAttempted], [40, 2, 38]);
  assert.deepEqual([...result.before], new Array(40).fill(0));
});

test('a cancel before the first move call stops the query: nothing moved, the move does not start', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 40, 0);
  fake.slowQueries = true;
  const controller = new AbortController();
  await assert.rejects(
    execute(job(at(0), 40, 1), { ...fast, chunkPages: 2, signal: controller.signal, onProgress: (p) => void (p.phase === 'query' && controller.abort()) }, fake),
    { name: 'MigratorError', code: 'ABORTED', message: 'move cancelled before any page was moved' },
  );
  assert.deepEqual([fake.moves.length, fake.queries.length <= 2], [0, true]);
});

test('huge page hints that arrive after the first move call: pages sent one by one until then, folio by folio after', async () => {
  const fake = new FakeKernel();
  fake.add(at(0), 16, 0, {}, 4);
  fake.huge = [{ start: BigInt(at(0)), end: BigInt(at(16)), folioSize: FOLIO }];
  let release = (): void => {};
  fake.hugeLate = new Promise<void>((resolve) => (release = resolve));
  const result = await execute(job(at(0), 16, 1), { ...fast, chunkPages: 4, onProgress: (p) => void (p.phase === 'move' && release()) }, fake);
  assert.deepEqual(
    { outcome: result.outcome, counts: result.counts, failures: result.failures, moves: fake.moves.map((m) => m.addresses) },
    {
      outcome: 'complete',
      counts: { requested: 16, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: 16, moved: 16, failed: 0, notAttempted: 0 },
      failures: [],
      // The first folio page by page (its tails answer -EBUSY and are found moved), then one
      // address a folio (4 pages, a call's worth here).
      moves: [[at(0), at(1), at(2), at(3)], [at(4)], [at(8)], [at(12)]],
    },
  );
});

test('pages whose place is known are filled in without a query, with the same result as asking', async () => {
  const run = async (knownSpans: MoveJob['knownSpans']): Promise<{ fake: FakeKernel; result: MoveResult }> => {
    const fake = new FakeKernel();
    fake.add(at(0), 8, 0);
    fake.add(at(8), 8, 1);
    fake.add(at(16), 8, 0);
    // Known pages count as asked about for the fake's check that nothing goes unplaced.
    for (const span of knownSpans ?? []) for (let i = span.from; i < span.to; i++) fake.asked.add(BigInt(at(i)));
    const result = await execute({ ...job(at(0), 24, 1), knownSpans }, { ...fast, chunkPages: 2 }, fake);
    return { fake, result };
  };
  const asked = await run([]);
  // Pages 0-7 known on node 0, 8-15 known on node 1 (already there): only 16-23 are asked about.
  const known = await run([{ from: 0, to: 8, node: 0 }, { from: 8, to: 16, node: 1 }]);
  assert.deepEqual(known.fake.queries, [8]);
  assert.deepEqual(known.result.survey.askedPages + known.result.survey.knownPages, 24);
  assert.deepEqual([known.result.survey.askedPages, known.result.survey.knownPages], [8, 16]);
  assert.deepEqual(outline(known.result), outline(asked.result));
  assert.deepEqual([...known.result.before], [...asked.result.before]);
  assert.deepEqual(known.result.counts, { requested: 24, unmapped: 0, notPresent: 0, alreadyOnTarget: 8, toMove: 16, moved: 16, failed: 0, notAttempted: 0 });
});
