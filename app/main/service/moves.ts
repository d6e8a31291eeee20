/**
 * The service's moves: the one running move (or undo), its progress and done events, cancel,
 * and the undo plans of the last few finished moves. Which process a move may act on is the
 * service's call (`MoveHooks.target`), since that depends on what it is watching.
 */
import type { MovePlanRequest, NodeMoveRequest, Result, WireMoveResult } from '../../common/ipc.js';
import type { ProcessIdentity } from '../../common/types.js';
import type { MoveOptions, MoveResult, UndoPlan } from '../migrator/index.js';
import type { ServiceDeps } from './deps.js';
import { failure, failureOf, ok, toWireError } from './errors.js';
import { throttle, type EventHub } from './events.js';
import { whyNotAllowed } from './move-plan.js';
import { moveResultToWire, rangeFromWire, unstartedMoveToWire } from './wire.js';

interface ActiveMove {
  moveId: string;
  pid: number;
  controller: AbortController;
  finished: Promise<void> | null;
}

export interface MoveHooks {
  /** The live process under `pid` and `startTime`, provided a move may act on it. */
  target(pid: number, startTime: number): Promise<Result<ProcessIdentity>>;
  /** A move of `pid` has ended (its move:done is out). */
  ended(pid: number): void;
}

export interface MoveLimits {
  /** Finished moves whose undo plans are kept. */
  maxUndoPlans: number;
  /** Minimum time between two progress events of one move. */
  progressIntervalMs: number;
}

/** Kept so that cancelling an already finished move is a harmless no-op, not an error. */
const FINISHED_IDS_KEPT = 256;

export class MoveDesk {
  private active: ActiveMove | null = null;
  private readonly undoPlans = new Map<string, UndoPlan>();
  private readonly finishedIds = new Set<string>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly hub: EventHub,
    private readonly hooks: MoveHooks,
    private readonly limits: MoveLimits,
  ) {}

  async start(request: MovePlanRequest): Promise<Result<{ moveId: string }>> {
    const busy = this.busy<{ moveId: string }>();
    if (busy) return busy;
    // Reserved before the first await, so two requests cannot both pass the check above.
    const active = this.reserve(request.pid);
    try {
      const identity = await this.hooks.target(request.pid, request.startTime);
      if (!identity.ok) return this.release(active, identity);
      const refusal = await whyNotAllowed(this.deps, { identity: identity.value, toNode: request.toNode, moveAll: request.moveAll }, await this.deps.readTopology());
      if (refusal) return this.release(active, { ok: false, error: refusal });
      const moveRequest = { pid: request.pid, ranges: request.ranges.map(rangeFromWire), toNode: request.toNode, moveAll: request.moveAll, expectedIdentity: identity.value };
      active.finished = this.run(active, request.toNode, (options) => this.deps.moveRanges(moveRequest, options));
      return ok({ moveId: active.moveId });
    } catch (error) {
      return this.release(active, failureOf(error));
    }
  }

  /** Everything of the process on one node to another (migrate_pages), with the same events and undo as a range move. */
  async startNode(request: NodeMoveRequest): Promise<Result<{ moveId: string }>> {
    const busy = this.busy<{ moveId: string }>();
    if (busy) return busy;
    const active = this.reserve(request.pid);
    try {
      const identity = await this.hooks.target(request.pid, request.startTime);
      if (!identity.ok) return this.release(active, identity);
      const refusal = await whyNotAllowed(this.deps, { identity: identity.value, toNode: request.toNode, moveAll: false }, await this.deps.readTopology());
      if (refusal) return this.release(active, { ok: false, error: refusal });
      const nodeRequest = { pid: request.pid, fromNode: request.fromNode, toNode: request.toNode, expectedIdentity: identity.value };
      active.finished = this.run(active, request.toNode, (options) => this.deps.moveNode(nodeRequest, options));
      return ok({ moveId: active.moveId });
    } catch (error) {
      return this.release(active, failureOf(error));
    }
  }

  async undo(moveId: string): Promise<Result<{ moveId: string }>> {
    const plan = this.undoPlans.get(moveId);
    if (!plan) {
      if (this.active?.moveId === moveId) return failure('MOVE_RUNNING', `move ${moveId} is still running; wait for it to finish or cancel it, then undo`);
      return failure('UNKNOWN_MOVE', `nothing to undo for move ${moveId}: it moved no page, was already undone, or is too old`);
    }
    const busy = this.busy<{ moveId: string }>();
    if (busy) return busy;
    const active = this.reserve(plan.identity.pid);
    try {
      const identity = await this.hooks.target(plan.identity.pid, plan.identity.startTime);
      if (!identity.ok) return this.release(active, identity);
      active.finished = this.run(active, null, (options) => this.deps.undoMove(plan, options), (result) => {
        // A partial undo leaves the plan valid: running it again puts back what is left.
        if (result.outcome === 'complete') this.undoPlans.delete(moveId);
      });
      return ok({ moveId: active.moveId });
    } catch (error) {
      return this.release(active, failureOf(error));
    }
  }

  async cancel(moveId: string): Promise<Result<null>> {
    if (this.active?.moveId === moveId) {
      this.active.controller.abort(new Error('move cancelled'));
      return ok(null);
    }
    if (this.finishedIds.has(moveId)) return ok(null);
    return failure('UNKNOWN_MOVE', `no move ${moveId}`);
  }

  /** Cancels the running move, if any, and waits for it to end. */
  async close(): Promise<void> {
    const active = this.active;
    if (active) {
      active.controller.abort(new Error('numascope is shutting down'));
      await active.finished;
    }
  }

  private busy<T>(): Result<T> | null {
    if (!this.active) return null;
    return failure('BUSY', `move ${this.active.moveId} is still running; wait for it to finish or cancel it`);
  }

  private reserve(pid: number): ActiveMove {
    const active: ActiveMove = { moveId: this.deps.newMoveId(), pid, controller: new AbortController(), finished: null };
    this.active = active;
    return active;
  }

  private release<T>(active: ActiveMove, result: Result<T>): Result<T> {
    this.clear(active);
    return result;
  }

  private clear(active: ActiveMove): void {
    if (this.active === active) this.active = null;
  }

  private async run(
    active: ActiveMove,
    toNode: number | null,
    work: (options: MoveOptions) => Promise<MoveResult>,
    onResult?: (result: MoveResult) => void,
  ): Promise<void> {
    const started = Date.now();
    // Let the response carrying the move id leave first, so events never name an id the
    // renderer has not been told yet (Electron keeps the order; over HTTP the renderer
    // should still tolerate events that overtake the response).
    await new Promise<void>((resolve) => setImmediate(resolve));
    const { moveId } = active;
    let phase: string | null = null;
    const gate = throttle(this.limits.progressIntervalMs);
    let done: WireMoveResult;
    try {
      const result = await work({
        signal: active.controller.signal,
        onProgress: (progress) => {
          const newPhase = progress.phase !== phase;
          phase = progress.phase;
          if (gate(progress.done, progress.total) || newPhase) this.hub.emit('move:progress', { moveId, ...progress });
        },
      });
      const undoable = result.undo.pages.length > 0;
      if (undoable) this.rememberUndo(moveId, result.undo);
      onResult?.(result);
      done = moveResultToWire(moveId, result, undoable);
    } catch (error) {
      done = unstartedMoveToWire(moveId, toNode, toWireError(error), Date.now() - started);
    }
    this.clear(active);
    this.rememberFinished(moveId);
    this.hub.emit('move:done', done);
    this.hooks.ended(active.pid);
  }

  private rememberFinished(moveId: string): void {
    this.finishedIds.add(moveId);
    if (this.finishedIds.size > FINISHED_IDS_KEPT) this.finishedIds.delete(this.finishedIds.values().next().value as string);
  }

  private rememberUndo(moveId: string, plan: UndoPlan): void {
    this.undoPlans.set(moveId, plan);
    while (this.undoPlans.size > this.limits.maxUndoPlans) this.undoPlans.delete(this.undoPlans.keys().next().value as string);
  }
}
