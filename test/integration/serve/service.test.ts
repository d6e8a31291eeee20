/**
 * NumascopeService on its own: the bookkeeping around moves, undo and watching, with fake
 * dependencies (so moves can be held, cancelled and undone on a one-node machine), and the
 * kernel-query path of move:plan against a real target.
 */
import { StatusStore } from '../../../app/common/status-store.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { EVENT_SCHEMAS } from '../../../app/common/ipc-events.js';
import type { MovePlan, PlacementSnapshot, ProcessExited, WireMoveResult } from '../../../app/common/ipc.js';
import type { Placement, ProcessIdentity, Topology, Vma } from '../../../app/common/types.js';
import { MigratorError, type MoveOptions, type MoveRequest, type MoveResult, type UndoPlan } from '../../../app/main/migrator/index.js';
import { ProcError } from '../../../app/main/proc/errors.js';
import type { ProcStat } from '../../../app/main/proc/identity.js';
import { ChangeLog } from '../../../app/main/sampler/changes.js';
import type { PollerEvents, PollUpdate } from '../../../app/main/sampler/poller.js';
import { NumascopeService, defaultDeps, type PollerLike, type ServiceDeps, type ServiceEvent } from '../../../app/main/service/index.js';
import { Target, type TargetRegion } from '../../helpers/target.js';

const PID = 4242;
const START = 777;
const IDENTITY: ProcessIdentity = { pid: PID, comm: 'fake', cmdline: ['fake'], startTime: START };
const VMA: Vma = { start: 0x10000n, end: 0x20000n, perms: 'rw-p', offset: 0n, dev: '00:00', inode: 0, path: '', name: 'anonymous', kind: 'anon' };
const TOPOLOGY: Topology = {
  nodes: [0, 1].map((id) => ({ id, cpus: [id], memTotal: 1 << 30, memFree: (id + 1) << 20, distances: [10, 20], cpuless: false, memoryTier: null })),
  withMemory: [0, 1],
  memoryTiers: [],
  pageSize: 4096,
  kernel: '6.18.0-test',
};

function fakeStat(overrides: Partial<ProcStat> = {}): ProcStat {
  return {
    pid: PID,
    comm: 'fake',
    state: 'S',
    ppid: 1,
    flags: 0,
    minorFaults: 0,
    majorFaults: 0,
    utime: 0,
    stime: 0,
    numThreads: 1,
    startTime: START,
    vsize: 0,
    rssPages: 0,
    lastCpu: 0,
    kernelThread: false,
    ...overrides,
  };
}

class FakePoller implements PollerLike {
  readonly calls: string[] = [];
  interval: number;
  current: Placement | null = null;
  constructor(
    readonly pid: number,
    intervalMs: number,
    readonly events: PollerEvents,
  ) {
    this.interval = intervalMs;
  }
  start(): void {
    this.calls.push('start');
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
  pause(): void {
    this.calls.push('pause');
  }
  resume(): void {
    this.calls.push('resume');
  }
  setInterval(ms: number): void {
    this.interval = ms;
  }
  async refresh(): Promise<void> {
    this.calls.push('refresh');
  }
  /** Plays a scan: status per page of VMA. */
  update(status: number[], changes: ChangeLog | null, sequence: number): void {
    const placement: Placement = { identity: IDENTITY, pageSize: 4096, takenAt: Date.UTC(2025, 0, 1), regions: [{ vma: VMA, status: StatusStore.of(status) }] };
    this.current = placement;
    const update: PollUpdate = { placement, stats: { totalPages: 16, queriedPages: 16, skippedPages: 0, calls: 1, durationMs: 3 }, changes, regionsAdded: [], regionsRemoved: [], sequence };
    this.events.onUpdate(update);
  }
}

/** A move that waits for `release()` (or its signal) and reports every page of the request moved. */
class HeldMove {
  private releaseMove: () => void = () => {};
  readonly released = new Promise<void>((resolve) => (this.releaseMove = resolve));
  release(): void {
    this.releaseMove();
  }
}

function result(request: { identity: ProcessIdentity; toNode: number | null; pages: bigint[]; outcome: MoveResult['outcome'] }): MoveResult {
  const pages = BigUint64Array.from(request.pages);
  const moved = request.outcome === 'complete' ? pages.length : 0;
  return {
    identity: request.identity,
    toNode: request.toNode,
    flags: 2,
    outcome: request.outcome,
    message: request.outcome === 'complete' ? `${moved} pages moved` : 'move cancelled',
    error: null,
    pageSize: 4096,
    segments: pages.length ? [{ start: pages[0] as bigint, end: (pages[pages.length - 1] as bigint) + 4096n }] : [],
    pages,
    before: new Int32Array(pages.length).fill(0),
    status: new Int32Array(pages.length).fill(moved ? (request.toNode ?? 0) : 0),
    counts: { requested: pages.length, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: pages.length, moved, failed: 0, notAttempted: pages.length - moved },
    failures: [],
    notPresent: [],
    undo: { identity: request.identity, flags: 2, pages: moved ? pages.slice() : new BigUint64Array(0), nodes: new Int32Array(moved).fill(0) },
    survey: { askedPages: pages.length, knownPages: 0, queryMs: 1 },
    durationMs: 5,
  };
}

interface Harness {
  service: NumascopeService;
  events: ServiceEvent[];
  pollers: FakePoller[];
  moves: { request: MoveRequest; held: HeldMove }[];
  undos: UndoPlan[];
  next(channel: ServiceEvent['channel']): Promise<ServiceEvent>;
  /** Lets held move `index` finish and resolves with its move:done. */
  finish(index: number): Promise<ServiceEvent>;
}

/** Every event any harness's service emitted, for the schema check at the end of the file. */
const emitted: ServiceEvent[] = [];

function harness(overrides: Partial<ServiceDeps> = {}): Harness {
  const pollers: FakePoller[] = [];
  const moves: Harness['moves'] = [];
  const undos: UndoPlan[] = [];
  const events: ServiceEvent[] = [];
  const waiters: { channel: string; resolve: (event: ServiceEvent) => void }[] = [];
  let ids = 0;
  const deps: ServiceDeps = {
    readTopology: async () => TOPOLOGY,
    listProcesses: async () => [],
    readSystemOverview: async () => ({ takenAt: 0, readMs: 0, nodes: [], processes: [], nodeReadLimit: 1, unreadPastLimit: 0, cgroups: { mount: null, groups: [], note: null } }),
    readIdentity: async (pid) => {
      if (pid !== PID) throw new ProcError('ESRCH', pid, `no process with pid ${pid}`);
      return IDENTITY;
    },
    statNow: (pid) => (pid === PID ? fakeStat() : null),
    readMaps: async () => [VMA],
    readMemsAllowed: async () => [0, 1],
    queryPages: async (_pid, pages) => new Int32Array(pages.length).fill(1),
    checkMoveAllAllowed: async (pid) => {
      throw new MigratorError('EPERM', pid, '--all (MPOL_MF_MOVE_ALL) is not permitted: it needs CAP_SYS_NICE (run as root)');
    },
    moveRanges: async (request: MoveRequest, options: MoveOptions) => {
      const held = new HeldMove();
      moves.push({ request, held });
      options.onProgress?.({ phase: 'query', done: 16, total: 16 });
      const cancelled = new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
      await Promise.race([held.released, cancelled]);
      const pages: bigint[] = [];
      for (const range of request.ranges) for (let a = range.start; a < range.end; a += 4096n) pages.push(a);
      return result({ identity: IDENTITY, toNode: request.toNode, pages, outcome: options.signal?.aborted ? 'cancelled' : 'complete' });
    },
    moveNode: async (request, options) => {
      options.onProgress?.({ phase: 'move', done: 0, total: 16 });
      const pages = Array.from({ length: 16 }, (_, i) => VMA.start + BigInt(i) * 4096n);
      return result({ identity: IDENTITY, toNode: request.toNode, pages, outcome: 'complete' });
    },
    undoMove: async (plan: UndoPlan) => {
      undos.push(plan);
      return result({ identity: IDENTITY, toNode: null, pages: [...plan.pages], outcome: 'complete' });
    },
    createPoller: (pid: number, intervalMs: number, pollerEvents: PollerEvents) => {
      const poller = new FakePoller(pid, intervalMs, pollerEvents);
      pollers.push(poller);
      return poller;
    },
    newMoveId: () => `move-${++ids}`,
    tool: { name: 'numascope', version: 'test' },
    ...overrides,
  };
  const service = new NumascopeService(deps, { progressIntervalMs: 0 });
  service.subscribe((event) => {
    events.push(event);
    emitted.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.channel === event.channel) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const next = (channel: ServiceEvent['channel']): Promise<ServiceEvent> => new Promise((resolve) => waiters.push({ channel, resolve }));
  const finish = (index: number): Promise<ServiceEvent> => {
    const done = next('move:done');
    moves[index]?.held.release();
    return done;
  };
  return { service, events, pollers, moves, undos, next, finish };
}

const request = { pid: PID, startTime: START, ranges: [{ start: '0x10000', end: '0x12000' } as const], toNode: 1, moveAll: false };

async function tick(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

test('a move: id first, then progress, then move:done in wire form; the watched view is refreshed', async () => {
  const h = harness();
  assert.deepEqual(await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 }), { ok: true, value: IDENTITY });
  const started = await h.service.handle('move:start', request);
  assert.deepEqual(started, { ok: true, value: { moveId: 'move-1' } });
  assert.equal(h.moves.length, 0, 'the move begins only after the response is on its way');
  await tick();
  assert.deepEqual(h.moves[0]?.request, { pid: PID, ranges: [{ start: 0x10000n, end: 0x12000n }], toNode: 1, moveAll: false, expectedIdentity: IDENTITY });
  const event = (await h.finish(0)).payload as WireMoveResult;
  assert.deepEqual(event, {
    moveId: 'move-1',
    outcome: 'complete',
    message: '2 pages moved',
    toNode: 1,
    counts: { requested: 2, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: 2, moved: 2, failed: 0, notAttempted: 0 },
    failures: [],
    segments: [{ start: '0x10000', end: '0x12000' }],
    statusRuns: [[2, 1]],
    durationMs: 5,
    undoable: true,
  });
  assert.deepEqual(
    h.events.filter((e) => e.channel === 'move:progress').map((e) => e.payload),
    [{ moveId: 'move-1', phase: 'query', done: 16, total: 16 }],
  );
  assert.deepEqual(h.pollers[0]?.calls, ['start', 'refresh']);
});

test('one move at a time; cancel stops it; cancelling again or a finished move is harmless', async () => {
  const h = harness();
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  await h.service.handle('move:start', request);
  assert.deepEqual(await h.service.handle('move:start', request), {
    ok: false,
    error: { code: 'BUSY', message: 'move move-1 is still running; wait for it to finish or cancel it' },
  });
  await tick();
  const done = h.next('move:done');
  assert.deepEqual(await h.service.handle('move:cancel', { moveId: 'move-1' }), { ok: true, value: null });
  const event = (await done).payload as WireMoveResult;
  assert.equal(event.outcome, 'cancelled');
  assert.equal(event.undoable, false);
  assert.deepEqual(await h.service.handle('move:cancel', { moveId: 'move-1' }), { ok: true, value: null });
  assert.deepEqual(await h.service.handle('move:cancel', { moveId: 'nope' }), { ok: false, error: { code: 'UNKNOWN_MOVE', message: 'no move nope' } });
  // And the next move may start.
  assert.deepEqual(await h.service.handle('move:start', request), { ok: true, value: { moveId: 'move-2' } });
  await tick();
  await h.finish(1);
});

test('undo replays the plan once; a running move cannot be undone yet', async () => {
  const h = harness();
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  await h.service.handle('move:start', request);
  await tick();
  assert.deepEqual(await h.service.handle('move:undo', { moveId: 'move-1' }), {
    ok: false,
    error: { code: 'MOVE_RUNNING', message: 'move move-1 is still running; wait for it to finish or cancel it, then undo' },
  });
  await h.finish(0);
  const undone = h.next('move:done');
  assert.deepEqual(await h.service.handle('move:undo', { moveId: 'move-1' }), { ok: true, value: { moveId: 'move-2' } });
  const event = (await undone).payload as WireMoveResult;
  assert.deepEqual([event.moveId, event.outcome, event.toNode], ['move-2', 'complete', null]);
  assert.deepEqual([...(h.undos[0]?.pages ?? [])], [0x10000n, 0x11000n]);
  assert.equal((await h.service.handle('move:undo', { moveId: 'move-1' })).ok, false, 'a completed undo is not repeated');
});

test('a whole node: plan from the latest scan with the targets worth offering, a move through moveNode, undo from its recorded placement', async () => {
  const moved: { fromNode: number; toNode: number }[] = [];
  const h = harness({
    moveNode: async (nodeRequest, options) => {
      moved.push({ fromNode: nodeRequest.fromNode, toNode: nodeRequest.toNode });
      options.onProgress?.({ phase: 'move', done: 0, total: 3 });
      return result({ identity: IDENTITY, toNode: nodeRequest.toNode, pages: [0x10000n, 0x11000n, 0x13000n], outcome: 'complete' });
    },
  });
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  const node = { pid: PID, startTime: START, fromNode: 0, toNode: 1 };
  const before = await h.service.handle('move:node-plan', node);
  assert.equal(before.ok && before.value.reason, `process ${PID} has not been scanned yet`);
  h.pollers[0]?.update([0, 0, -2, 0, ...new Array<number>(12).fill(1)], null, 1);
  assert.deepEqual(await h.service.handle('move:node-plan', node), {
    ok: true,
    value: { fromNode: 0, toNode: 1, pagesOnSource: 3, bytesOnSource: 3 * 4096, targetFreeBytes: 2 << 20, allowed: true, reason: null, targets: [1], noTargetReason: null },
  });
  const none = await h.service.handle('move:node-plan', { ...node, fromNode: 1, toNode: 0, pid: PID });
  assert.equal(none.ok && none.value.pagesOnSource, 12);
  const refused = await h.service.handle('move:node-plan', { ...node, toNode: 5 });
  assert.deepEqual(refused.ok && [refused.value.allowed, refused.value.reason], [false, 'node 5 does not exist on this machine (online nodes: 0-1)']);
  assert.deepEqual(await h.service.handle('move:node-start', { ...node, toNode: 5 }), {
    ok: false,
    error: { code: 'ENODEV', message: 'node 5 does not exist on this machine (online nodes: 0-1)' },
  });

  const done = h.next('move:done');
  assert.deepEqual(await h.service.handle('move:node-start', node), { ok: true, value: { moveId: 'move-2' } });
  const event = (await done).payload as WireMoveResult;
  assert.deepEqual([event.outcome, event.toNode, event.undoable], ['complete', 1, true]);
  assert.deepEqual(moved, [{ fromNode: 0, toNode: 1 }]);
  const undone = h.next('move:done');
  assert.deepEqual(await h.service.handle('move:undo', { moveId: 'move-2' }), { ok: true, value: { moveId: 'move-3' } });
  assert.equal(((await undone).payload as WireMoveResult).toNode, null);
  assert.deepEqual([...(h.undos[0]?.pages ?? [])], [0x10000n, 0x11000n, 0x13000n], 'undo puts back the pages the node move recorded, page by page');
  const other = await h.service.handle('move:node-plan', { ...node, pid: PID + 1 });
  assert.equal(other.ok, false, 'only the watched process');
});

test('a move refused by the migrator before any page moved still ends with move:done, failed', async () => {
  const h = harness({
    moveRanges: async (req) => {
      throw new MigratorError('NOTHING_MAPPED', req.pid, `nothing is mapped in the given range of process ${req.pid}`);
    },
  });
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  const done = h.next('move:done');
  await h.service.handle('move:start', request);
  const event = (await done).payload as WireMoveResult;
  assert.deepEqual([event.outcome, event.message, event.undoable, event.segments], ['failed', `nothing is mapped in the given range of process ${PID}`, false, []]);
});

test('what the kernel would refuse is refused up front: reused pid, bad node, MOVE_ALL without the capability', async () => {
  const h = harness();
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  assert.deepEqual(await h.service.handle('move:start', { ...request, startTime: START + 1 }), {
    ok: false,
    error: {
      code: 'IDENTITY_CHANGED',
      message: `pid ${PID} now names another process (fake, started at tick ${START}) than the one shown (started at tick ${START + 1}); reopen it`,
    },
  });
  assert.equal((await h.service.handle('move:start', { ...request, toNode: 5 })).ok === false, true);
  assert.deepEqual(await h.service.handle('move:start', { ...request, moveAll: true }), {
    ok: false,
    error: { code: 'EPERM', message: '--all (MPOL_MF_MOVE_ALL) is not permitted: it needs CAP_SYS_NICE (run as root)' },
  });
  assert.deepEqual(await h.service.handle('move:start', { ...request, pid: 1 }), { ok: false, error: { code: 'ESRCH', message: 'no process with pid 1' } });
  // None of them took the "one move at a time" slot.
  assert.deepEqual(await h.service.handle('move:start', request), { ok: true, value: { moveId: 'move-5' } });
  await tick();
  await h.finish(0);
});

test('move:plan counts from the kernel before the first scan of the watched process, from the latest scan after it', async () => {
  const h = harness();
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  const fromKernel = await h.service.handle('move:plan', { ...request, ranges: [{ start: '0x0', end: '0x12000' }], toNode: 1 });
  assert.deepEqual(fromKernel, {
    ok: true,
    value: {
      pages: 2,
      bytes: 8192,
      pagesToMove: 0,
      alreadyOnTarget: 2,
      notPresent: 0,
      targetNode: 1,
      targetFreeBytes: 2 << 20,
      allowed: true,
      reason: null,
      // Every page is on node 1 already: only node 0 is worth offering.
      pagesByNode: [[1, 2]],
      targets: [0],
      noTargetReason: null,
    },
  });
  h.pollers[0]?.update([0, 1, -2, 0, ...new Array<number>(12).fill(1)], null, 1);
  const fromScan = await h.service.handle('move:plan', { ...request, ranges: [{ start: '0x10000', end: '0x14000' }], toNode: 1, moveAll: true });
  assert.deepEqual(fromScan, {
    ok: true,
    value: {
      pages: 4,
      bytes: 16384,
      pagesToMove: 2,
      alreadyOnTarget: 1,
      notPresent: 1,
      targetNode: 1,
      targetFreeBytes: 2 << 20,
      allowed: false,
      reason: '--all (MPOL_MF_MOVE_ALL) is not permitted: it needs CAP_SYS_NICE (run as root)',
      pagesByNode: [
        [0, 2],
        [1, 1],
      ],
      targets: [0, 1],
      noTargetReason: null,
    },
  });
  const nothing = await h.service.handle('move:plan', { ...request, ranges: [{ start: '0x100000', end: '0x200000' }] });
  assert.deepEqual(nothing.ok && [nothing.value.pages, nothing.value.allowed, nothing.value.reason], [0, false, 'nothing is mapped in the selected ranges']);
});

test('watching: updates carry regions, totals, an overview and the exact changes since the previous scan (the diff of the two); a new watch replaces the old; errors end it', async () => {
  const h = harness();
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  assert.deepEqual(await h.service.handle('placement:window', { from: 0, to: 16, pagesPerBin: 1 }), {
    ok: false,
    error: { code: 'NO_SCAN_YET', message: `process ${PID} has not been scanned yet; wait for the first placement:update` },
  });
  const first = h.pollers[0] as FakePoller;
  first.update(new Array<number>(16).fill(0), null, 1);
  // The sampler's own log is not what is sent: the changes are the diff of the two scans.
  const log = new ChangeLog(4000);
  for (let i = 0; i < 3000; i++) log.record(0x10000 + (i % 16) * 4096, 0, 1);
  first.update(new Array<number>(16).fill(1), log, 2);
  const updates = h.events.filter((e) => e.channel === 'placement:update').map((e) => e.payload);
  assert.equal(updates.length, 2);
  const [a, b] = updates as [Extract<ServiceEvent, { channel: 'placement:update' }>['payload'], Extract<ServiceEvent, { channel: 'placement:update' }>['payload']];
  assert.deepEqual(a.placement.vmas.map((v) => [v.start, v.end, v.counts]), [['0x10000', '0x20000', [[16, 0]]]]);
  assert.deepEqual([a.placement.totalPages, a.placement.totals], [16, { byNode: { '0': 16, '1': 0 }, byStatus: {} }]);
  assert.deepEqual(a.overview, { kind: 'runs', from: 0, to: 16, runs: [16, 0] });
  assert.equal(a.changes, null);
  assert.deepEqual([b.sequence, b.changes?.total, b.changes?.summary], [2, 16, [{ from: 0, to: 1, pages: 16 }]]);
  assert.deepEqual([b.changes?.ranges, b.changes?.rangesTotal, b.changes?.newPages, b.changes?.gonePages], [[{ start: '0x10000', pages: 16, from: 0, to: 1 }], 1, 0, 0]);
  assert.equal(h.service.latestPlacement(), b);
  // Windows and snapshots come from the latest scan, named by its sequence, even while the
  // sampler's next rescan is rewriting its arrays in place.
  first.current?.regions[0]?.status.fill(-2, 0, 16);
  assert.deepEqual(await h.service.handle('placement:window', { from: 4, to: 100, pagesPerBin: 4 }), {
    ok: true,
    value: { sequence: 2, tile: { kind: 'runs', from: 4, to: 16, runs: [12, 1] } },
  });
  const full = await h.service.handle('placement:snapshot', null);
  assert.ok(full.ok);
  assert.deepEqual([full.value.sequence, full.value.snapshot.vmas.map((v) => v.runs)], [2, [[[16, 1]]]]);

  await h.service.handle('process:watch', { pid: PID, intervalMs: 500 });
  assert.deepEqual(first.calls, ['start', 'stop']);
  assert.equal(h.service.latestPlacement(), null);
  first.update(new Array<number>(16).fill(0), null, 3);
  assert.equal(h.events.filter((e) => e.channel === 'placement:update').length, 2, 'a replaced poller is not heard');

  const second = h.pollers[1] as FakePoller;
  second.events.onError(new ProcError('ESRCH', PID, `process ${PID} exited`));
  assert.deepEqual(h.events.at(-1), { channel: 'placement:error', payload: { pid: PID, code: 'ESRCH', message: `process ${PID} exited` } });
  assert.deepEqual(await h.service.handle('process:polling', {}), { ok: false, error: { code: 'NOT_WATCHING', message: 'no process is being watched (send process:watch first)' } });
});

test('close stops watching and cancels the running move; later requests are refused', async () => {
  const h = harness();
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  await h.service.handle('move:start', request);
  await tick();
  await h.service.close();
  assert.deepEqual(h.pollers[0]?.calls.slice(0, 2), ['start', 'stop']);
  assert.equal((h.events.find((e) => e.channel === 'move:done')?.payload as WireMoveResult).outcome, 'cancelled');
  assert.deepEqual(await h.service.handle('process:list', null), { ok: false, error: { code: 'CLOSED', message: 'numascope is shutting down' } });
});

test('a handler that throws something unexpected becomes an INTERNAL error value', async () => {
  const h = harness({
    listProcesses: async () => {
      throw new TypeError('boom\nwith a second line');
    },
  });
  assert.deepEqual(await h.service.handle('process:list', null), { ok: false, error: { code: 'INTERNAL', message: 'boom' } });
});

const OTHER: ProcessIdentity = { pid: PID + 1, comm: 'other', cmdline: ['other'], startTime: 999 };

/** Fake deps where OTHER is a live process too, and PID may be replaced by a later process. */
function twoProcesses(live: { startTime: number }): Partial<ServiceDeps> {
  return {
    readIdentity: async (pid) => {
      if (pid === OTHER.pid) return OTHER;
      if (pid === PID) return { ...IDENTITY, startTime: live.startTime };
      throw new ProcError('ESRCH', pid, `no process with pid ${pid}`);
    },
    statNow: (pid) => (pid === PID ? fakeStat({ startTime: live.startTime }) : pid === OTHER.pid ? fakeStat({ pid, startTime: OTHER.startTime }) : null),
  };
}

test('moves act only on the watched process, named by pid and start time', async () => {
  const live = { startTime: START };
  const h = harness(twoProcesses(live));
  const notWatching = await h.service.handle('move:plan', request);
  assert.deepEqual(notWatching.ok === false && notWatching.error.code, 'NOT_WATCHING');
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  const other = { ...request, pid: OTHER.pid, startTime: OTHER.startTime };
  for (const channel of ['move:plan', 'move:start'] as const) {
    assert.deepEqual(await h.service.handle(channel, other), {
      ok: false,
      error: { code: 'NOT_WATCHED', message: `pid ${OTHER.pid} is not the watched process (process ${PID} (fake)): moves act only on the process being watched` },
    });
    const stale = await h.service.handle(channel, { ...request, startTime: START - 1 });
    assert.deepEqual(stale.ok === false && stale.error.code, 'IDENTITY_CHANGED');
  }
  // The watched pid now names a later process: a request naming that one is refused too.
  live.startTime = START + 5;
  const reused = await h.service.handle('move:start', { ...request, startTime: START + 5 });
  assert.deepEqual(reused, {
    ok: false,
    error: { code: 'IDENTITY_CHANGED', message: `pid ${PID} now names another process than the watched one (started at tick ${START}); reopen it` },
  });
  assert.equal(h.moves.length, 0);
});

test('undo acts only while its process is the watched one', async () => {
  const h = harness(twoProcesses({ startTime: START }));
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  await h.service.handle('move:start', request);
  await tick();
  await h.finish(0);
  await h.service.handle('process:watch', { pid: OTHER.pid, intervalMs: 1000 });
  const undo = await h.service.handle('move:undo', { moveId: 'move-1' });
  assert.deepEqual(undo.ok === false && undo.error.code, 'NOT_WATCHED');
  assert.equal(h.undos.length, 0);
});

test('a kernel thread is not watched: it has no user memory', async () => {
  const h = harness({ statNow: () => fakeStat({ comm: 'kthreadd', kernelThread: true }) });
  assert.deepEqual(await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 }), {
    ok: false,
    error: { code: 'KERNEL_THREAD', message: `pid ${PID} is a kernel thread: it has no user memory` },
  });
  assert.equal(h.pollers.length, 0);
  // And the real one: pid 2 is kthreadd on Linux.
  const real = new NumascopeService(defaultDeps());
  try {
    assert.deepEqual(await real.handle('process:watch', { pid: 2, intervalMs: 1000 }), {
      ok: false,
      error: { code: 'KERNEL_THREAD', message: 'pid 2 is a kernel thread: it has no user memory' },
    });
  } finally {
    await real.close();
  }
});

test('the watched process exiting keeps its last picture readable and refuses moves and polling', async () => {
  let stat: ProcStat | null = fakeStat();
  const h = harness({ statNow: () => stat });
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  const poller = h.pollers[0] as FakePoller;
  poller.update(new Array<number>(16).fill(0), null, 7);
  const before = await h.service.handle('placement:snapshot', null);
  stat = null;
  const exited = h.next('placement:exited');
  poller.events.onError(new ProcError('ESRCH', PID, 'ioctl(PAGEMAP_SCAN) failed: ESRCH'));
  const event = (await exited).payload as ProcessExited;
  assert.deepEqual({ ...event, exitedAt: '' }, { pid: PID, comm: 'fake', startTime: START, exitedAt: '', sequence: 7 });
  assert.ok(Math.abs(Date.parse(event.exitedAt) - Date.now()) < 5000, event.exitedAt);
  assert.equal(h.events.filter((e) => e.channel === 'placement:error').length, 0, 'an exit is not an error');
  assert.deepEqual(poller.calls.at(-1), 'stop');
  // The last picture stays: snapshot and windows still answer from it.
  assert.deepEqual(await h.service.handle('placement:snapshot', null), before);
  assert.deepEqual((before as { ok: true; value: PlacementSnapshot }).value.sequence, 7);
  assert.deepEqual(await h.service.handle('placement:window', { from: 0, to: 16, pagesPerBin: 1 }), { ok: true, value: { sequence: 7, tile: { kind: 'runs', from: 0, to: 16, runs: [16, 0] } } });
  const message = `process ${PID} (fake) exited at ${event.exitedAt}; only its last picture is left`;
  assert.deepEqual(await h.service.handle('move:start', request), { ok: false, error: { code: 'EXITED', message } });
  assert.deepEqual(await h.service.handle('move:plan', request), { ok: false, error: { code: 'EXITED', message } });
  assert.deepEqual(await h.service.handle('process:polling', { paused: true }), { ok: false, error: { code: 'EXITED', message } });
  // A later error from the stopped poller changes nothing.
  poller.events.onError(new Error('late'));
  assert.equal(h.events.at(-1)?.channel, 'placement:exited');
});

test('a zombie counts as exited, and its empty scan does not replace the last picture', async () => {
  let stat: ProcStat | null = fakeStat();
  const h = harness({ statNow: () => stat });
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  const poller = h.pollers[0] as FakePoller;
  poller.update(new Array<number>(16).fill(0), null, 1);
  stat = fakeStat({ state: 'Z' });
  // The sampler reads a zombie's maps as empty: an update with no regions.
  poller.events.onUpdate({ placement: { identity: IDENTITY, pageSize: 4096, takenAt: Date.now(), regions: [] }, stats: { totalPages: 0, queriedPages: 0, skippedPages: 0, calls: 0, durationMs: 1 }, changes: null, regionsAdded: [], regionsRemoved: [], sequence: 2 });
  assert.deepEqual(h.events.filter((e) => e.channel === 'placement:update').length, 1);
  assert.equal((h.events.at(-1)?.payload as ProcessExited).sequence, 1);
  assert.equal(h.service.latestPlacement()?.sequence, 1);
});

test('a process that stays alive but cannot be read any more ends the watch with placement:error', async () => {
  const h = harness();
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  h.pollers[0]?.events.onError(new ProcError('EACCES', PID, 'permission denied'));
  assert.deepEqual(h.events.at(-1), { channel: 'placement:error', payload: { pid: PID, code: 'EACCES', message: 'permission denied' } });
});

// The kernel path against a real process.
const target = await Target.start(['--anon', '4M', '--nohuge']);
after(() => target.stop());

test('move:plan asks the kernel for the watched process before its first scan', async () => {
  // A poller that never scans, so the plan can only come from the kernel.
  const service = new NumascopeService({ ...defaultDeps(), createPoller: (pid, intervalMs, events) => new FakePoller(pid, intervalMs, events) });
  try {
    await service.handle('process:watch', { pid: target.pid, intervalMs: 1000 });
    const anon = target.region(0) as TargetRegion;
    const identity = await defaultDeps().readIdentity(target.pid);
    const pages = Number((anon.end - anon.start) / BigInt(target.info.pageSize));
    const plan = await service.handle('move:plan', {
      pid: target.pid,
      startTime: identity.startTime,
      ranges: [{ start: `0x${anon.start.toString(16)}`, end: `0x${anon.end.toString(16)}` }],
      toNode: 0,
      moveAll: false,
    });
    assert.ok(plan.ok, JSON.stringify(plan));
    const value: MovePlan = plan.value;
    assert.deepEqual([value.pages, value.alreadyOnTarget, value.pagesToMove, value.notPresent, value.allowed], [pages, pages, 0, 0, true]);
  } finally {
    await service.close();
  }
});

test('process:watch passes fullEvery to the poller, or the service\'s own setting when the request has none', async () => {
  const asked: (number | undefined)[] = [];
  const createPoller: ServiceDeps['createPoller'] = (pid, intervalMs, events, _pageSize, fullEvery) => {
    asked.push(fullEvery);
    return new FakePoller(pid, intervalMs, events);
  };
  const service = new NumascopeService({ ...defaultDeps(), createPoller }, { fullEvery: 7 });
  try {
    assert.ok((await service.handle('process:watch', { pid: target.pid, intervalMs: 1000, fullEvery: 3 })).ok);
    assert.ok((await service.handle('process:watch', { pid: target.pid, intervalMs: 1000 })).ok);
    assert.deepEqual(asked, [3, 7]);
  } finally {
    await service.close();
  }
});

test('every event the service emitted above matches its channel\'s schema, and every channel was seen', async () => {
  // The one event the tests above do not cause: scan progress.
  const h = harness();
  await h.service.handle('process:watch', { pid: PID, intervalMs: 1000 });
  h.pollers[0]?.events.onProgress?.(8, 16);
  await h.service.close();
  // And heat progress, from a measurement stood in for (test/integration/serve/heat.test.ts has the rest).
  const measuring = new NumascopeService(undefined, {
    measureHeat: async (_pid, _topology, options) => {
      options.onProgress?.(1, 2);
      throw new Error('no report');
    },
  });
  measuring.subscribe((event) => emitted.push(event));
  const self = await measuring.handle('process:watch', { pid: process.pid, intervalMs: 60_000 });
  assert.ok(self.ok);
  await measuring.handle('heat:measure', { pid: process.pid, startTime: self.value.startTime, seconds: 1, intervalMs: 500, source: 'auto' });
  await measuring.close();
  for (const { channel, payload } of emitted) {
    // As it crosses the wire: JSON, or the structured clone, which keeps the same fields.
    const sent: unknown = JSON.parse(JSON.stringify(payload));
    const checked = v.safeParse(EVENT_SCHEMAS[channel], sent);
    assert.ok(checked.success, `${channel}: ${JSON.stringify(checked.issues?.[0]?.path?.map((item) => item.key))} ${checked.issues?.[0]?.message ?? ''}`);
  }
  assert.deepEqual(new Set(emitted.map((event) => event.channel)), new Set(Object.keys(EVENT_SCHEMAS)));
});
