/**
 * A stand-in for `numascope serve` with a made-up four-node machine, for the renderer tests
 * that real hardware cannot provide here (this host has one node, so no page can move to
 * another one). It speaks the same HTTP contract: the built renderer from dist/renderer/,
 * POST /api/<channel> with a bearer token, server-sent events at /api/events. Moves really
 * change its placement, so the heatmaps, progress, result and undo all follow.
 */
import { BLOCK_PAGES, StatusStore } from '../../app/common/status-store.js';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import type { EventChannel, EventChannels, HeatIntervalWire, MovePlan, MovePlanRequest, NodeMovePlan, RequestChannel, RequestChannels, Result, WireMoveResult } from '../../app/common/ipc.js';
import { validateRequest } from '../../app/common/ipc-validate.js';
import { PlacementFeed } from '../../app/main/service/index.js';
import { locality } from '../../app/main/advice/locality.js';
import { offeredTargets } from '../../app/main/service/move-plan.js';
import type { Placement, ProcessIdentity, ProcessSummary, RegionPlacement, Topology, VmaKind } from '../../app/common/types.js';
import { repoRoot } from '../helpers/target.js';
import { fakeHeatReport } from './fake-heat.js';
import { random } from '../helpers/random.js';
import { fakeOverview } from './fake-overview.js';

const PAGE = 4096;
const GIB = 2 ** 30;

export function fakeTopology(): Topology {
  const distances = [
    [10, 21, 14, 24],
    [21, 10, 24, 14],
    [14, 24, 10, 26],
    [24, 14, 26, 10],
  ];
  return {
    nodes: [0, 1, 2, 3].map((id) => ({
      id,
      cpus: id < 2 ? Array.from({ length: 8 }, (_, i) => id * 8 + i) : [],
      memTotal: id < 2 ? 64 * GIB : 128 * GIB,
      memFree: id < 2 ? 20 * GIB + id * 7 * GIB : 120 * GIB,
      distances: distances[id] as number[],
      cpuless: id >= 2,
      memoryTier: id < 2 ? 4 : 22,
    })),
    withMemory: [0, 1, 2, 3],
    memoryTiers: [
      { id: 4, nodes: [0, 1] },
      { id: 22, nodes: [2, 3] },
    ],
    pageSize: PAGE,
    kernel: '6.18.0-fake',
  };
}


function region(start: bigint, pages: number, perms: string, path: string, kind: VmaKind, name: string, fill: (status: Int16Array) => void): RegionPlacement {
  const statuses = new Int16Array(pages);
  fill(statuses);
  const status = StatusStore.of(statuses, Number((start / BigInt(PAGE)) % BigInt(BLOCK_PAGES)));
  return {
    vma: { start, end: start + BigInt(pages * PAGE), perms, offset: 0n, dev: path.startsWith('/') ? 'fd:01' : '00:00', inode: path.startsWith('/') ? 4242 : 0, path, name, kind },
    status,
  };
}

/** A database-like process: a binary, a heap, a large buffer pool spread over the nodes, a CXL-resident cache, libraries and a stack. */
export function fakePlacement(identity: ProcessIdentity): Placement {
  const next = random(42);
  const runs = (status: Int16Array, choices: number[], maxRun: number): void => {
    for (let i = 0; i < status.length; ) {
      const run = 1 + Math.floor(next() * maxRun);
      status.fill(choices[Math.floor(next() * choices.length)] as number, i, Math.min(status.length, i + run));
      i += run;
    }
  };
  const regions = [
    region(0x555555554000n, 64, 'r--p', '/usr/lib/postgresql/bin/postgres', 'file', 'postgres', (s) => s.fill(0)),
    region(0x555555594000n, 2048, 'r-xp', '/usr/lib/postgresql/bin/postgres', 'file', 'postgres', (s) => runs(s, [0, 0, 0, -2], 200)),
    region(0x555555d94000n, 256, 'rw-p', '/usr/lib/postgresql/bin/postgres', 'file', 'postgres', (s) => s.fill(0)),
    region(0x555556000000n, 40_000, 'rw-p', '[heap]', 'heap', '[heap]', (s) => runs(s, [0, 0, 0, 1, -2], 3000)),
    region(0x7f1000000000n, 524_288, 'rw-s', '/dev/shm/PostgreSQL.1', 'shmem', 'PostgreSQL.1 (buffer pool)', (s) => runs(s, [0, 1, 0, 1, 2, -2], 20_000)),
    region(0x7f3000000000n, 131_072, 'rw-p', '', 'anon', 'anonymous', (s) => runs(s, [2, 2, 3, -14], 8000)),
    region(0x7f7000000000n, 65_536, 'rw-p', '', 'anon', 'anonymous', (s) => s.fill(-2)),
    region(0x7fa000000000n, 420, 'r-xp', '/usr/lib/x86_64-linux-gnu/libc.so.6', 'file', 'libc.so.6', (s) => s.fill(0)),
    region(0x7fa0001a4000n, 16, 'rw-p', '/usr/lib/x86_64-linux-gnu/libc.so.6', 'file', 'libc.so.6', (s) => s.fill(1)),
    region(0x7ffc00000000n, 33, 'rw-p', '[stack]', 'stack', '[stack]', (s) => {
      s.fill(-2);
      s.fill(0, 24);
    }),
  ];
  return { identity, pageSize: PAGE, takenAt: Date.now(), regions };
}

/** The identity of the big synthetic processes below. */
export const BIG_IDENTITY: ProcessIdentity = { pid: 4242, comm: 'bigdb', cmdline: ['bigdb'], startTime: 1 };

/** A synthetic 4 Mi-page (16 GiB) placement over four nodes, in 512 regions of runs (about 2,800 of them). */
export function bigPlacement(identity: ProcessIdentity = BIG_IDENTITY): Placement {
  let seed = 99;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const regions: RegionPlacement[] = [];
  const perRegion = (4 * 1024 * 1024) / 512;
  let start = 0x7f0000000000n;
  for (let r = 0; r < 512; r++) {
    const status = new Int16Array(perRegion);
    for (let i = 0; i < perRegion; ) {
      const run = 1 + Math.floor(next() * 3000);
      status.fill([0, 1, 2, 3, -2, -14][Math.floor(next() * 6)] as number, i, Math.min(perRegion, i + run));
      i += run;
    }
    const end = start + BigInt(perRegion * PAGE);
    regions.push({ vma: { start, end, perms: 'rw-p', offset: 0n, dev: '00:00', inode: 0, path: '', name: `anonymous`, kind: 'anon' }, status: StatusStore.of(status, Number((start / BigInt(PAGE)) % BigInt(BLOCK_PAGES))) });
    start = end + 0x200000n;
  }
  return { identity, pageSize: PAGE, takenAt: Date.now(), regions };
}

/**
 * 4 Mi pages (or `pages`) in 256 regions where every other region is interleaved page by page
 * over the four nodes (numactl --interleave, with a hole every 61 pages) and the rest is in
 * runs: about two million runs, so no view short of single pages can be sent as runs.
 */
export function interleavedPlacement(identity: ProcessIdentity = BIG_IDENTITY, pages = 4 * 1024 * 1024): Placement {
  const next = random(7);
  const regions: RegionPlacement[] = [];
  const perRegion = Math.floor(pages / 256);
  let start = 0x7e0000000000n;
  for (let r = 0; r < 256; r++) {
    const status = new Int16Array(perRegion);
    if (r % 2 === 0) {
      for (let i = 0; i < perRegion; i++) status[i] = i % 61 === 60 ? -2 : i % 4;
    } else {
      for (let i = 0; i < perRegion; ) {
        const run = 1 + Math.floor(next() * 5000);
        status.fill([0, 1, 2, 3, -2][Math.floor(next() * 5)] as number, i, Math.min(perRegion, i + run));
        i += run;
      }
    }
    const end = start + BigInt(perRegion * PAGE);
    regions.push({ vma: { start, end, perms: 'rw-p', offset: 0n, dev: '00:00', inode: 0, path: '', name: r % 2 === 0 ? 'interleaved' : 'anonymous', kind: 'anon' }, status: StatusStore.of(status, Number((start / BigInt(PAGE)) % BigInt(BLOCK_PAGES))) });
    start = end + 0x200000n;
  }
  return { identity, pageSize: PAGE, takenAt: Date.now(), regions };
}

export interface Traffic {
  /** An event channel, or the request channel answered. */
  channel: string;
  kind: 'event' | 'response';
  /** Bytes of JSON sent (the event's data line, or the response body). */
  bytes: number;
  /** For placement:update events and placement:window answers: the tile sent. */
  tile: string | null;
}

export interface FakeServer {
  url: string;
  token: string;
  pid: number;
  /** Every request the page made, in order. */
  requests: { channel: string; body: unknown }[];
  /** What the server sent, in order, with sizes. */
  traffic: Traffic[];
  close(): Promise<void>;
}

export interface FakeServerOptions {
  moveStepMs?: number;
  /** The watched process's placement (default: fakePlacement, a database-like process). */
  placement?: (identity: ProcessIdentity) => Placement;
  identity?: ProcessIdentity;
  /** What each poll after the first finds: the placement as the process changed it (default: unchanged). */
  evolve?: (placement: Placement) => Placement;
  /** Awaited before each placement:window answer is sent (computed from the scan current when asked), to hold answers back. */
  beforeWindow?: () => Promise<void>;
  /** Time one heat interval takes (default: none), so a measurement can be watched and cancelled. */
  heatStepMs?: number;
  /** The machine (default: fakeTopology's four nodes). */
  topology?: Topology;
  /** The process's Mems_allowed_list (default 0-2: node 3 is refused). */
  memsAllowed?: number[];
}

function describeTile(value: unknown): string | null {
  const tile = (value as { overview?: unknown; tile?: unknown } | null)?.overview ?? (value as { tile?: unknown } | null)?.tile;
  if (typeof tile !== 'object' || tile === null) return null;
  const t = tile as { kind: string; runs?: number[]; pagesPerBin?: number; from: number; to: number; counts?: number[] };
  return t.kind === 'runs' ? `runs x${(t.runs?.length ?? 0) / 2} [${t.from}, ${t.to})` : `bins of ${t.pagesPerBin} x${Math.ceil((t.to - t.from) / (t.pagesPerBin ?? 1))} [${t.from}, ${t.to})`;
}

/** The made-up threads' CPU time: 70% on node 0's CPUs, 30% on node 1's; the first poll has none (no interval before it). */
const THREAD_WEIGHTS = new Map([
  [0, 0.7],
  [1, 0.3],
]);

function fakeLocality(byNode: Readonly<Record<string, number>>): { share: number; basis: 'cpu-time' } | null {
  const share = locality(new Map(Object.entries(byNode).map(([node, pages]) => [Number(node), pages])), THREAD_WEIGHTS);
  return share === null ? null : { share, basis: 'cpu-time' };
}

/** A made-up measurement's interval: the share written rises and falls over the window. */
function fakeHeatInterval(done: number, total: number): HeatIntervalWire {
  const share = 0.1 + 0.3 * Math.sin((Math.PI * done) / (total + 1));
  return { pages: Math.round(share * 600_000), share, source: 'soft-dirty', label: 'writes only (soft-dirty)', at: new Date().toISOString() };
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.txt': 'text/plain' };

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const token = randomBytes(12).toString('hex');
  const identity: ProcessIdentity = options.identity ?? { pid: 31337, comm: 'postgres', cmdline: ['postgres', '-D', '/var/lib/postgresql/data'], startTime: 987654 };
  const topology = options.topology ?? fakeTopology();
  const memsAllowed = options.memsAllowed ?? [0, 1, 2];
  const refusal = (toNode: number): string | null =>
    memsAllowed.includes(toNode) ? null : `node ${toNode} is not in the process's Mems_allowed_list (${memsAllowed.join(',')})`;
  let placement = (options.placement ?? fakePlacement)(identity);
  // The service's own code for updates, windows and snapshots, so the page sees the real protocol.
  let feed = new PlacementFeed({ name: 'fake-serve', version: '0' });
  const requests: { channel: string; body: unknown }[] = [];
  const traffic: Traffic[] = [];
  const streams = new Set<ServerResponse>();
  let sequence = 0;
  let polling = { paused: false, intervalMs: 1000 };
  let watching = false;
  let timer: NodeJS.Timeout | null = null;
  const moves = new Map<string, { before: { region: number; status: Int16Array }[]; cancelled: boolean }>();
  let moveCount = 0;
  const stepMs = options.moveStepMs ?? 120;

  const emit = <E extends EventChannel>(event: E, payload: EventChannels[E]): void => {
    const data = JSON.stringify(payload);
    traffic.push({ channel: event, kind: 'event', bytes: Buffer.byteLength(data), tile: event === 'placement:update' ? describeTile(payload) : null });
    const text = `event: ${event}\ndata: ${data}\n\n`;
    for (const stream of streams) stream.write(text);
  };

  const publish = (): void => {
    if (sequence > 0 && options.evolve !== undefined) placement = options.evolve(placement);
    placement = { ...placement, takenAt: Date.now() };
    sequence++;
    emit('placement:update', feed.publish({ placement, sequence, scanMs: 12, locality: sequence === 1 ? undefined : fakeLocality }, topology));
  };

  const schedulePoll = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!watching || polling.paused) return;
    timer = setTimeout(() => {
      publish();
      schedulePoll();
    }, polling.intervalMs);
  };

  /** Pages of the request, as [region, first page, end page) pieces. */
  const pieces = (request: MovePlanRequest): [number, number, number][] => {
    const out: [number, number, number][] = [];
    for (const range of request.ranges) {
      const start = BigInt(range.start);
      const end = BigInt(range.end);
      placement.regions.forEach((r, i) => {
        const from = start > r.vma.start ? start : r.vma.start;
        const to = end < r.vma.end ? end : r.vma.end;
        if (to > from) out.push([i, Number((from - r.vma.start) / BigInt(PAGE)), Number((to - r.vma.start + BigInt(PAGE - 1)) / BigInt(PAGE))]);
      });
    }
    return out;
  };

  const plan = (request: MovePlanRequest): MovePlan => {
    let pages = 0;
    let already = 0;
    let absent = 0;
    const byNode = new Map<number, number>();
    for (const [r, from, to] of pieces(request)) {
      const status = (placement.regions[r] as RegionPlacement).status;
      for (let i = from; i < to; i++) {
        pages++;
        const s = status.get(i);
        if (s >= 0) byNode.set(s, (byNode.get(s) ?? 0) + 1);
        if (s < 0) absent++;
        else if (s === request.toNode) already++;
      }
    }
    const pagesByNode = [...byNode].sort((a, b) => a[0] - b[0]);
    const node = topology.nodes.find((n) => n.id === request.toNode);
    return {
      pages,
      bytes: pages * PAGE,
      pagesToMove: pages - already - absent,
      alreadyOnTarget: already,
      notPresent: absent,
      targetNode: request.toNode,
      targetFreeBytes: node?.memFree ?? 0,
      allowed: node !== undefined && refusal(request.toNode) === null,
      reason: refusal(request.toNode),
      pagesByNode,
      ...offeredTargets(topology.withMemory, memsAllowed, pagesByNode.map(([n]) => n), 'the selected pages'),
    };
  };

  const pagesOn = (node: number): number => placement.regions.reduce((sum, r) => sum + r.status.toArray().filter((s) => s === node).length, 0);
  const nodePlan = (body: { fromNode: number; toNode: number }): NodeMovePlan => {
    const pagesOnSource = pagesOn(body.fromNode);
    return {
      fromNode: body.fromNode,
      toNode: body.toNode,
      pagesOnSource,
      bytesOnSource: pagesOnSource * PAGE,
      targetFreeBytes: topology.nodes.find((n) => n.id === body.toNode)?.memFree ?? 0,
      allowed: refusal(body.toNode) === null && pagesOnSource > 0,
      reason: refusal(body.toNode) ?? (pagesOnSource === 0 ? `no page is on node ${body.fromNode}` : null),
      ...offeredTargets(topology.withMemory, memsAllowed, pagesOnSource > 0 ? [body.fromNode] : [], `node ${body.fromNode}'s pages`),
    };
  };
  /** A whole node's move as a range move over every region that takes only the pages on `fromNode`. */
  const everything = (toNode: number): MovePlanRequest => ({
    pid: identity.pid,
    startTime: identity.startTime,
    ranges: placement.regions.map((r) => ({ start: `0x${r.vma.start.toString(16)}` as const, end: `0x${r.vma.end.toString(16)}` as const })),
    toNode,
    moveAll: false,
  });

  const runMove = (moveId: string, request: MovePlanRequest, restore: { region: number; status: Int16Array }[] | null, onlyFrom: number | null = null): void => {
    const work = pieces(request);
    const total = work.reduce((sum, [, from, to]) => sum + to - from, 0);
    const before = work.map(([r]) => ({ region: r, status: (placement.regions[r] as RegionPlacement).status.toArray() }));
    const state = { before, cancelled: false };
    moves.set(moveId, state);
    const started = Date.now();
    let step = 0;
    const steps = 4;
    const tick = (): void => {
      step++;
      emit('move:progress', { moveId, phase: 'move', done: Math.round((total * step) / steps), total });
      if (step < steps && !state.cancelled) {
        setTimeout(tick, stepMs);
        return;
      }
      const counts = { requested: total, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: 0, moved: 0, failed: 0, notAttempted: 0 };
      if (restore !== null) {
        for (const { region: r, status } of restore) {
          const current = (placement.regions[r] as RegionPlacement).status;
          for (let i = 0; i < status.length; i++) {
            if (current.get(i) === status[i]) continue;
            counts.moved++;
            current.set(i, status[i] as number);
          }
        }
      } else {
        for (const [r, from, to] of work) {
          const status = (placement.regions[r] as RegionPlacement).status;
          for (let i = from; i < to; i++) {
            const s = status.get(i);
            if (onlyFrom !== null && s !== onlyFrom) continue;
            if (s < 0) counts.notPresent++;
            else if (s === request.toNode) counts.alreadyOnTarget++;
            else if (state.cancelled && i % 2 === 0) counts.notAttempted++;
            else {
              counts.toMove++;
              counts.moved++;
              status.set(i, request.toNode);
            }
          }
        }
      }
      const result: WireMoveResult = {
        moveId,
        outcome: state.cancelled ? 'cancelled' : 'complete',
        message: `moved ${counts.moved} pages; ${counts.alreadyOnTarget} were already on node ${request.toNode}`,
        toNode: restore !== null ? null : request.toNode,
        counts,
        failures: [],
        segments: request.ranges,
        statusRuns: [],
        durationMs: Date.now() - started,
        undoable: restore === null,
      };
      emit('move:done', result);
      publish();
    };
    setTimeout(tick, stepMs);
  };

  const lastRequests = new Map<string, MovePlanRequest>();
  let heatCancelled = false;
  const handlers: { [C in RequestChannel]: (body: RequestChannels[C]['request']) => Result<RequestChannels[C]['response']> | Promise<Result<RequestChannels[C]['response']>> } = {
    'system:topology': () => ({ ok: true, value: topology }),
    'process:list': () => ({
      ok: true,
      value: [
        { pid: 1, comm: 'systemd', startTime: 100, rss: 12 * 2 ** 20, readable: false, reason: 'owned by root: reading its pages needs root or CAP_SYS_PTRACE' },
        { pid: identity.pid, comm: identity.comm, startTime: 100, rss: 3 * GIB, readable: true, reason: null },
        { pid: 4100, comm: 'postgres', startTime: 100, rss: 80 * 2 ** 20, readable: true, reason: null },
        { pid: 2, comm: 'kthreadd', startTime: 100, rss: 0, readable: false, reason: 'a kernel thread has no user memory' },
      ] satisfies ProcessSummary[],
    }),
    'system:overview': () => ({ ok: true, value: fakeOverview(identity, topology) }),
    'process:watch': (body) => {
      if (body.pid !== identity.pid) return { ok: false, error: { code: 'ESRCH', message: `no process ${body.pid}` } };
      watching = true;
      polling = { ...polling, intervalMs: body.intervalMs };
      sequence = 0;
      feed = new PlacementFeed({ name: 'fake-serve', version: '0' });
      setTimeout(() => {
        emit('placement:progress', { pid: identity.pid, done: 1, total: 2 });
        publish();
        schedulePoll();
      }, 50);
      return { ok: true, value: identity };
    },
    'process:unwatch': () => {
      watching = false;
      schedulePoll();
      return { ok: true, value: null };
    },
    'process:polling': (body) => {
      polling = { paused: body.paused ?? polling.paused, intervalMs: body.intervalMs ?? polling.intervalMs };
      schedulePoll();
      return { ok: true, value: polling };
    },
    'placement:window': (body) => {
      const window = feed.window(body);
      return window === null ? { ok: false, error: { code: 'NO_SCAN_YET', message: 'not scanned yet' } } : { ok: true, value: window };
    },
    'placement:snapshot': () => {
      const snapshot = feed.snapshot();
      return snapshot === null ? { ok: false, error: { code: 'NO_SCAN_YET', message: 'not scanned yet' } } : { ok: true, value: snapshot };
    },
    'move:plan': (body) => ({ ok: true, value: plan(body) }),
    'move:start': (body) => {
      const moveId = `move-${++moveCount}`;
      lastRequests.set(moveId, body);
      runMove(moveId, body, null);
      return { ok: true, value: { moveId } };
    },
    'move:node-plan': (body) => ({ ok: true, value: nodePlan(body) }),
    'move:node-start': (body) => {
      const reason = nodePlan(body).reason;
      if (reason !== null) return { ok: false, error: { code: 'EACCES', message: reason } };
      const moveId = `move-${++moveCount}`;
      const request = everything(body.toNode);
      lastRequests.set(moveId, request);
      runMove(moveId, request, null, body.fromNode);
      return { ok: true, value: { moveId } };
    },
    'move:cancel': (body) => {
      const move = moves.get(body.moveId);
      if (move === undefined) return { ok: false, error: { code: 'NOT_FOUND', message: 'no such move' } };
      move.cancelled = true;
      return { ok: true, value: null };
    },
    'move:undo': (body) => {
      const move = moves.get(body.moveId);
      const request = lastRequests.get(body.moveId);
      if (move === undefined || request === undefined) return { ok: false, error: { code: 'NOT_FOUND', message: 'no such move' } };
      const moveId = `move-${++moveCount}`;
      runMove(moveId, request, move.before);
      return { ok: true, value: { moveId } };
    },
    'heat:measure': async (body) => {
      if (body.pid !== identity.pid || !watching) return { ok: false, error: { code: 'NOT_WATCHED', message: `pid ${body.pid} is not the watched process` } };
      const total = Math.round((body.seconds * 1000) / body.intervalMs);
      heatCancelled = false;
      for (let done = 1; done <= total; done++) {
        if (options.heatStepMs) await new Promise((resolve) => setTimeout(resolve, options.heatStepMs));
        if (heatCancelled) return { ok: false, error: { code: 'CANCELLED', message: `the heat measurement of process ${body.pid} was cancelled` } };
        emit('heat:progress', { pid: body.pid, done, total, interval: fakeHeatInterval(done, total) });
      }
      return { ok: true, value: fakeHeatReport(placement, topology, body) };
    },
    'heat:cancel': () => {
      heatCancelled = true;
      return { ok: true, value: null };
    },
  };

  const authorized = (req: IncomingMessage, url: URL): boolean => req.headers.authorization === `Bearer ${token}` || url.searchParams.get('token') === token;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/api/events') {
      if (!authorized(req, url)) return void res.writeHead(401).end();
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': hello\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (!authorized(req, url)) return void res.writeHead(401).end();
      const channel = decodeURIComponent(url.pathname.slice(5)) as RequestChannel;
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      requests.push({ channel, body });
      const handler = handlers[channel] as ((body: unknown) => Result<unknown> | Promise<Result<unknown>>) | undefined;
      // Checked as serve checks them, so a request the real server would refuse fails here too.
      const valid = validateRequest(channel, body);
      const result: Result<unknown> = handler === undefined ? { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: channel } } : valid.ok ? await handler(valid.value) : valid;
      const text = JSON.stringify(result);
      if (channel === 'placement:window' && options.beforeWindow !== undefined) await options.beforeWindow();
      traffic.push({ channel, kind: 'response', bytes: Buffer.byteLength(text), tile: channel === 'placement:window' && result.ok ? describeTile(result.value) : null });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(text);
      return;
    }
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    if (!/^[\w.-]+$/.test(name)) return void res.writeHead(404).end();
    try {
      const body = await readFile(join(repoRoot, 'dist', 'renderer', name));
      res.writeHead(200, {
        'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream',
        'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'",
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    pid: identity.pid,
    requests,
    traffic,
    async close() {
      watching = false;
      if (timer !== null) clearTimeout(timer);
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
