/**
 * The one core behind every face (Electron window, serve mode): each request channel of
 * app/common/ipc.ts as a handler returning Result, and the event channels as a stream.
 *
 * State it keeps: the one watched process (its Poller, the latest update); the one running
 * move and the undo plans of the last few finished moves are MoveDesk's (moves.ts), which
 * acts only on the process this file says it may. Requests arrive already validated
 * (app/common/ipc-validate.ts); nothing here throws across the boundary: `handle` turns any
 * failure into an error value.
 */
import type {
  MovePlan,
  MovePlanRequest,
  NodeMovePlan,
  NodeMoveRequest,
  PlacementSnapshot,
  ProcessExited,
  PlacementUpdate,
  PlacementWindow,
  PollingRequest,
  RequestChannel,
  RequestOf,
  ResponseOf,
  Result,
  WatchRequest,
  WindowRequest,
} from '../../common/ipc.js';
import type { SystemOverview } from '../../common/system-overview.js';
import type { ProcessIdentity, ProcessSummary, Topology } from '../../common/types.js';
import { PollLocality } from '../advice/poll-locality.js';
import { kernelThreadMessage } from '../proc/access.js';
import type { ProcStat } from '../proc/identity.js';
import type { PollUpdate } from '../sampler/poller.js';
import { cpuToNodeMap } from '../system/topology.js';
import { defaultDeps, type PollerLike, type ServiceDeps } from './deps.js';
import { failure, failureOf, ok, toWireError } from './errors.js';
import { EventHub, throttle, type ServiceListener } from './events.js';
import { HeatDesk, type MeasureHeat } from './heat.js';
import { planMove } from './move-plan.js';
import { MoveDesk } from './moves.js';
import { planNodeMove } from './node-move-plan.js';
import { PlacementFeed } from './placement-feed.js';
import { rangeFromWire } from './wire.js';

/** `signal` fires when the asker has gone away (the HTTP client closed the request). */
export type RequestHandlers = { [C in RequestChannel]: (request: RequestOf<C>, signal?: AbortSignal) => Promise<Result<ResponseOf<C>>> };

/** What a transport (Electron shell, HTTP server) needs of the service. */
export interface ServiceBackend {
  /** `signal`: the asker has gone away; work done only for the answer (a move plan) stops. */
  handle<C extends RequestChannel>(channel: C, request: RequestOf<C>, signal?: AbortSignal): Promise<Result<ResponseOf<C>>>;
  subscribe(listener: ServiceListener): () => void;
  /** The latest placement of the watched process, for a subscriber that arrives late. */
  latestPlacement(): PlacementUpdate | null;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Finished moves whose undo plans are kept (each holds 12 bytes per moved page). */
  maxUndoPlans?: number;
  /** Minimum time between two progress events of one scan or move. */
  progressIntervalMs?: number;
  /** Minimum time between two topology reads (node free memory shown with each update). */
  topologyMaxAgeMs?: number;
  /** Polls between two full rescans, for watch requests that do not say (default: the Poller's). */
  fullEvery?: number;
  /** How long one system overview answers every asker (default 1000 ms). */
  overviewMaxAgeMs?: number;
  /** The heat measurement behind 'heat:measure' (default: the real one, advice/measure.ts). */
  measureHeat?: MeasureHeat;
}

interface Watch {
  identity: ProcessIdentity;
  poller: PollerLike;
  topology: Topology;
  topologyReadAt: number;
  paused: boolean;
  feed: PlacementFeed;
  /** The threads' CPU time at the previous poll, for the next poll's locality. */
  locality: PollLocality;
  /** Set once the process is gone; the feed keeps its last picture. */
  exited: ProcessExited | null;
}

/**
 * Whether `stat` (read just now) shows that the process `identity` names is gone: no such pid,
 * the pid reused by a later process, or a zombie (exited, not yet reaped: its memory is gone).
 */
function isGone(identity: ProcessIdentity, stat: ProcStat | null): boolean {
  return stat === null || stat.startTime !== identity.startTime || stat.state === 'Z' || stat.state === 'X';
}

/** Pages present on some node in the latest update; null before the first. */
function presentPages(update: PlacementUpdate | null): number | null {
  if (update === null) return null;
  let pages = 0;
  for (const count of Object.values(update.placement.totals.byNode)) pages += count;
  return pages;
}

function describeProcess(identity: ProcessIdentity): string {
  return `process ${identity.pid} (${identity.comm})`;
}

export class NumascopeService implements ServiceBackend {
  readonly handlers: RequestHandlers;
  private readonly hub = new EventHub();
  private watch: Watch | null = null;
  /** Bumped by every watch/unwatch, so a request overtaken by a later one backs off. */
  private watchGeneration = 0;
  private readonly moves: MoveDesk;
  private readonly heat: HeatDesk;
  private closed = false;
  private readonly progressIntervalMs: number;
  private readonly topologyMaxAgeMs: number;
  private readonly fullEvery: number | undefined;
  private readonly overviewMaxAgeMs: number;
  /** The latest (or running) overview reading, shared by every asker while it is fresh. */
  private overviewReading: { startedAt: number; value: Promise<SystemOverview> } | null = null;

  constructor(
    private readonly deps: ServiceDeps = defaultDeps(),
    options: ServiceOptions = {},
  ) {
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
    this.topologyMaxAgeMs = options.topologyMaxAgeMs ?? 1000;
    this.fullEvery = options.fullEvery;
    this.overviewMaxAgeMs = options.overviewMaxAgeMs ?? 1000;
    this.moves = new MoveDesk(
      deps,
      this.hub,
      { target: (pid, startTime) => this.moveTarget(pid, startTime), ended: (pid) => this.refreshAfterMove(pid) },
      { maxUndoPlans: options.maxUndoPlans ?? 16, progressIntervalMs: this.progressIntervalMs },
    );
    // Heat, like moves, is measured only on the process the page shows.
    this.heat = new HeatDesk(
      {
        target: (pid, startTime) => this.moveTarget(pid, startTime),
        readTopology: () => deps.readTopology(),
        presentPages: () => presentPages(this.watch?.feed.latest ?? null),
        ...(options.measureHeat ? { measure: options.measureHeat } : {}),
      },
      this.hub,
      this.progressIntervalMs,
    );
    this.handlers = {
      'system:topology': () => this.topology(),
      'process:list': () => this.listProcesses(),
      'system:overview': () => this.overview(),
      'process:watch': (request) => this.watchProcess(request),
      'process:unwatch': () => this.unwatch(),
      'process:polling': (request) => this.polling(request),
      'placement:window': (request) => this.window(request),
      'placement:snapshot': () => this.snapshot(),
      'move:plan': (request, signal) => this.plan(request, signal),
      'move:start': (request) => this.moves.start(request),
      'move:node-plan': (request) => this.nodePlan(request),
      'move:node-start': (request) => this.moves.startNode(request),
      'move:cancel': (request) => this.moves.cancel(request.moveId),
      'move:undo': (request) => this.moves.undo(request.moveId),
      'heat:measure': (request, signal) => this.heat.measure(request, signal),
      'heat:cancel': () => this.heat.cancel(),
    };
  }

  async handle<C extends RequestChannel>(channel: C, request: RequestOf<C>, signal?: AbortSignal): Promise<Result<ResponseOf<C>>> {
    if (this.closed) return failure('CLOSED', 'numascope is shutting down');
    const handler = this.handlers[channel] as (request: RequestOf<C>, signal?: AbortSignal) => Promise<Result<ResponseOf<C>>>;
    try {
      return await handler(request, signal);
    } catch (error) {
      return failureOf(error);
    }
  }

  subscribe(listener: ServiceListener): () => void {
    return this.hub.subscribe(listener);
  }

  latestPlacement(): PlacementUpdate | null {
    return this.watch?.feed.latest ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stopWatching();
    await this.moves.close();
  }

  private async topology(): Promise<Result<Topology>> {
    return ok(await this.deps.readTopology());
  }

  private async listProcesses(): Promise<Result<ProcessSummary[]>> {
    return ok(await this.deps.listProcesses());
  }

  /**
   * Reading every process's numa_maps costs real time on a big machine, so two windows (or a
   * window and a scraper) refreshing together share one reading instead of doubling it.
   */
  private async overview(): Promise<Result<SystemOverview>> {
    const now = Date.now();
    if (this.overviewReading === null || now - this.overviewReading.startedAt >= this.overviewMaxAgeMs) {
      const value = this.deps.readTopology().then((topology) => this.deps.readSystemOverview(topology));
      const reading = { startedAt: now, value };
      this.overviewReading = reading;
      value.catch(() => {
        if (this.overviewReading === reading) this.overviewReading = null;
      });
    }
    return ok(await this.overviewReading.value);
  }

  private async stopWatching(): Promise<void> {
    const watch = this.watch;
    this.watch = null;
    // A measurement belongs to the process watched: a new watch (or none) ends it.
    this.heat.stop('watching stopped');
    await watch?.poller.stop();
  }

  private async watchProcess({ pid, intervalMs, fullEvery }: WatchRequest): Promise<Result<ProcessIdentity>> {
    const generation = ++this.watchGeneration;
    await this.stopWatching();
    // Fail now, as a value, for the common refusals (no such process, not ours to read),
    // rather than through a placement:error a moment later.
    const identity = await this.deps.readIdentity(pid);
    if (this.deps.statNow(pid)?.kernelThread === true) {
      return failure('KERNEL_THREAD', kernelThreadMessage(pid));
    }
    await this.deps.readMaps(pid);
    const topology = await this.deps.readTopology();
    if (generation !== this.watchGeneration || this.closed) {
      return failure('SUPERSEDED', `a later request replaced this watch of process ${pid}`);
    }
    const progressGate = throttle(this.progressIntervalMs);
    // The poller calls back only after start(), by which time `watch` is set.
    let watch: Watch | null = null;
    const poller = this.deps.createPoller(
      pid,
      intervalMs,
      {
        onUpdate: (update) => watch && this.publishUpdate(watch, update),
        onError: (error) => watch && this.watchFailed(watch, error),
        onProgress: (done, total) => {
          if (watch && this.watch === watch && progressGate(done, total)) this.hub.emit('placement:progress', { pid, done, total });
        },
      },
      topology.pageSize,
      fullEvery ?? this.fullEvery,
    );
    watch = {
      identity,
      poller,
      topology,
      topologyReadAt: Date.now(),
      paused: false,
      feed: new PlacementFeed(this.deps.tool),
      locality: new PollLocality(cpuToNodeMap(topology)),
      exited: null,
    };
    this.watch = watch;
    watch.poller.start();
    return ok(identity);
  }

  /**
   * Runs synchronously inside the poller's callback: the next rescan updates the placement's
   * arrays in place, so the feed copies it now, with the topology read for an earlier update.
   */
  private publishUpdate(watch: Watch, update: PollUpdate): void {
    if (this.watch !== watch || watch.exited) return;
    // A process that has exited but is not yet reaped scans as empty: keep its last picture instead.
    if (update.placement.regions.length === 0 && isGone(watch.identity, this.deps.statNow(watch.identity.pid))) {
      this.markExited(watch);
      return;
    }
    let payload: PlacementUpdate;
    try {
      payload = watch.feed.publish(
        {
          placement: update.placement,
          sequence: update.sequence,
          scanMs: update.stats.durationMs,
          unchanged: update.changes !== null && update.changes.total === 0,
          locality: (byNode) => watch.locality.next(update.threads ?? null, byNode),
        },
        watch.topology,
      );
    } catch (error) {
      this.watchFailed(watch, error);
      void watch.poller.stop();
      return;
    }
    this.hub.emit('placement:update', payload);
    this.refreshTopology(watch);
  }

  private refreshTopology(watch: Watch): void {
    if (Date.now() - watch.topologyReadAt < this.topologyMaxAgeMs) return;
    watch.topologyReadAt = Date.now();
    this.deps.readTopology().then(
      (topology) => {
        // A node going offline changes the page size of nothing, but guard the encoder anyway.
        if (topology.pageSize === watch.topology.pageSize) watch.topology = topology;
      },
      () => undefined, // keep the previous one: free memory a little stale beats no update
    );
  }

  /**
   * A failed scan of a process that has gone is its exit, not an error: whatever the sampler
   * saw first (ESRCH from an ioctl, a vanished /proc file), the watch keeps its last picture.
   */
  private watchFailed(watch: Watch, error: unknown): void {
    if (this.watch !== watch || watch.exited) return;
    if (isGone(watch.identity, this.deps.statNow(watch.identity.pid))) {
      this.markExited(watch);
      return;
    }
    this.watch = null;
    this.hub.emit('placement:error', { pid: watch.identity.pid, ...toWireError(error) });
  }

  private markExited(watch: Watch): void {
    const { pid, comm, startTime } = watch.identity;
    watch.exited = { pid, comm, startTime, exitedAt: new Date().toISOString(), sequence: watch.feed.latest?.sequence ?? null };
    void watch.poller.stop();
    this.hub.emit('placement:exited', watch.exited);
  }

  private exitedFailure<T>(exited: ProcessExited): Result<T> {
    return failure('EXITED', `process ${exited.pid} (${exited.comm}) exited at ${exited.exitedAt}; only its last picture is left`);
  }

  private async unwatch(): Promise<Result<null>> {
    this.watchGeneration++;
    await this.stopWatching();
    return ok(null);
  }

  private async polling(request: PollingRequest): Promise<Result<{ paused: boolean; intervalMs: number }>> {
    const watch = this.watch;
    if (!watch) return failure('NOT_WATCHING', 'no process is being watched (send process:watch first)');
    if (watch.exited) return this.exitedFailure(watch.exited);
    if (request.intervalMs !== undefined) watch.poller.setInterval(request.intervalMs);
    if (request.paused === true && !watch.paused) watch.poller.pause();
    if (request.paused === false && watch.paused) watch.poller.resume();
    if (request.paused !== undefined) watch.paused = request.paused;
    return ok({ paused: watch.paused, intervalMs: watch.poller.interval });
  }

  private noScanYet<T>(): Result<T> {
    if (!this.watch) return failure('NOT_WATCHING', 'no process is being watched (send process:watch first)');
    return failure('NO_SCAN_YET', `process ${this.watch.identity.pid} has not been scanned yet; wait for the first placement:update`);
  }

  private async window(request: WindowRequest): Promise<Result<PlacementWindow>> {
    const window = this.watch?.feed.window(request) ?? null;
    return window === null ? this.noScanYet() : ok(window);
  }

  private async snapshot(): Promise<Result<PlacementSnapshot>> {
    const snapshot = this.watch?.feed.snapshot() ?? null;
    return snapshot === null ? this.noScanYet() : ok(snapshot);
  }

  /** The process under `pid`, provided it is still the one the user was looking at. */
  private async identityOf(pid: number, startTime: number): Promise<Result<ProcessIdentity>> {
    const identity = await this.deps.readIdentity(pid);
    if (identity.startTime !== startTime) {
      return failure(
        'IDENTITY_CHANGED',
        `pid ${pid} now names another process (${identity.comm}, started at tick ${identity.startTime}) than the one shown (started at tick ${startTime}); reopen it`,
      );
    }
    return ok(identity);
  }

  /**
   * Moves act only on the watched process, named by pid and start time: a request for any
   * other pid, or for an earlier process that had this pid, is refused, so whoever holds the
   * API cannot move the memory of a process the page is not showing.
   */
  private watchedTarget(identity: ProcessIdentity): Result<Watch> {
    const watch = this.watch;
    if (!watch) return failure('NOT_WATCHING', 'no process is being watched: moves act only on the watched process (send process:watch first)');
    const watched = watch.identity;
    if (identity.pid !== watched.pid) {
      return failure('NOT_WATCHED', `pid ${identity.pid} is not the watched process (${describeProcess(watched)}): moves act only on the process being watched`);
    }
    if (identity.startTime !== watched.startTime) {
      return failure('IDENTITY_CHANGED', `pid ${identity.pid} now names another process than the watched one (started at tick ${watched.startTime}); reopen it`);
    }
    if (watch.exited) return this.exitedFailure(watch.exited);
    return ok(watch);
  }

  /** The live process under the request's pid and start time, provided it is the watched one. */
  private async moveTarget(pid: number, startTime: number): Promise<Result<ProcessIdentity>> {
    const exited = this.watch?.exited;
    // Said plainly, rather than as the ESRCH that reading its identity would give.
    if (exited && exited.pid === pid && exited.startTime === startTime) return this.exitedFailure(exited);
    const identity = await this.identityOf(pid, startTime);
    if (!identity.ok) return identity;
    const watched = this.watchedTarget(identity.value);
    return watched.ok ? identity : watched;
  }

  private async plan(request: MovePlanRequest, signal?: AbortSignal): Promise<Result<MovePlan>> {
    const identity = await this.moveTarget(request.pid, request.startTime);
    if (!identity.ok) return identity;
    const topology = await this.deps.readTopology();
    const input = { identity: identity.value, ranges: request.ranges.map(rangeFromWire), toNode: request.toNode, moveAll: request.moveAll };
    return ok(await planMove(this.deps, input, topology, this.watch?.poller.current ?? null, signal));
  }

  private async nodePlan(request: NodeMoveRequest): Promise<Result<NodeMovePlan>> {
    const identity = await this.moveTarget(request.pid, request.startTime);
    if (!identity.ok) return identity;
    const input = { identity: identity.value, fromNode: request.fromNode, toNode: request.toNode };
    return ok(await planNodeMove(this.deps, input, await this.deps.readTopology(), this.watch?.poller.current ?? null));
  }

  private refreshAfterMove(pid: number): void {
    const watch = this.watch;
    if (watch && watch.identity.pid === pid) {
      // Show the result at once instead of at the next tick, even while polling is paused.
      watch.poller.refresh().catch(() => undefined);
    }
  }
}
