/**
 * The life of a move (or undo) as the renderer sees it: start request, progress events,
 * result event. Events are tagged with the move id that `move:start` returns, and they can
 * overtake that response (a small move finishes before the reply is delivered), so events
 * for ids we do not know yet are kept until the id shows up.
 */
import type { EventChannels, WireMoveResult } from '../../common/ipc.js';

export type MoveProgressEvent = EventChannels['move:progress'];
export type MoveKind = 'move' | 'undo';

export type MovePhase =
  | { phase: 'idle' }
  | { phase: 'starting'; kind: MoveKind }
  | { phase: 'running'; kind: MoveKind; moveId: string; progress: MoveProgressEvent | null; cancelling: boolean }
  | { phase: 'done'; kind: MoveKind; result: WireMoveResult }
  | { phase: 'failed'; kind: MoveKind; message: string };

export interface MoveTracker {
  state: MovePhase;
  /** Events for ids not (yet) current, newest last; bounded. */
  early: { progress: MoveProgressEvent[]; done: WireMoveResult[] };
}

export type MoveAction =
  | { type: 'starting'; kind: MoveKind }
  | { type: 'started'; moveId: string }
  | { type: 'progress'; event: MoveProgressEvent }
  | { type: 'done'; result: WireMoveResult }
  | { type: 'failed'; message: string }
  | { type: 'cancelling' }
  | { type: 'dismiss' };

const KEEP = 16;

export const initialMoveTracker: MoveTracker = { state: { phase: 'idle' }, early: { progress: [], done: [] } };

function keep<T>(list: readonly T[], item: T): T[] {
  return [...list, item].slice(-KEEP);
}

export function moveReducer(tracker: MoveTracker, action: MoveAction): MoveTracker {
  const { state, early } = tracker;
  switch (action.type) {
    case 'starting':
      return { state: { phase: 'starting', kind: action.kind }, early };
    case 'started': {
      if (state.phase !== 'starting') return tracker;
      const done = early.done.find((r) => r.moveId === action.moveId);
      const rest = { progress: early.progress.filter((p) => p.moveId !== action.moveId), done: early.done.filter((r) => r.moveId !== action.moveId) };
      if (done !== undefined) return { state: { phase: 'done', kind: state.kind, result: done }, early: rest };
      const progress = early.progress.filter((p) => p.moveId === action.moveId).pop() ?? null;
      return { state: { phase: 'running', kind: state.kind, moveId: action.moveId, progress, cancelling: false }, early: rest };
    }
    case 'progress':
      if (state.phase === 'running' && state.moveId === action.event.moveId) return { state: { ...state, progress: action.event }, early };
      return { state, early: { ...early, progress: keep(early.progress, action.event) } };
    case 'done':
      if (state.phase === 'running' && state.moveId === action.result.moveId) return { state: { phase: 'done', kind: state.kind, result: action.result }, early };
      return { state, early: { ...early, done: keep(early.done, action.result) } };
    case 'failed':
      return { state: { phase: 'failed', kind: state.phase === 'idle' ? 'move' : state.kind, message: action.message }, early };
    case 'cancelling':
      return state.phase === 'running' ? { state: { ...state, cancelling: true }, early } : tracker;
    case 'dismiss':
      return { state: { phase: 'idle' }, early };
    default:
      return assertNever(action);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

/** 0..1 for a progress bar; null when the total is not known yet. */
export function progressFraction(progress: MoveProgressEvent | null): number | null {
  if (progress === null || progress.total <= 0) return null;
  return Math.min(1, Math.max(0, progress.done / progress.total));
}

export interface ResultLine {
  label: string;
  pages: number;
  detail: string;
}

/** The result panel's rows in plain words: what moved, what was already there, what was skipped, and why pages failed. */
export function resultLines(result: WireMoveResult): ResultLine[] {
  const target = result.toNode === null ? 'the target node' : `node ${result.toNode}`;
  const c = result.counts;
  const lines: ResultLine[] = [
    { label: 'moved', pages: c.moved, detail: `now on ${target}` },
    { label: `already on ${target}`, pages: c.alreadyOnTarget, detail: 'nothing to do' },
    { label: 'not present', pages: c.notPresent, detail: 'no page there to move (never touched, swapped out, or the zero page)' },
    { label: 'outside any mapping', pages: c.unmapped, detail: 'part of the range is not mapped' },
    { label: 'not attempted', pages: c.notAttempted, detail: result.outcome === 'cancelled' ? 'the move was cancelled first' : 'the move stopped first' },
  ];
  for (const failure of result.failures) lines.push({ label: `failed: ${failure.code}`, pages: failure.pages, detail: failure.reason });
  // migrate_pages counts what it left behind but never says why.
  const unexplained = c.failed - result.failures.reduce((sum, f) => sum + f.pages, 0);
  if (unexplained > 0) lines.push({ label: 'failed', pages: unexplained, detail: 'stayed where they were; the kernel does not say why (pinned, busy, or shared with other processes)' });
  return lines.filter((line) => line.pages > 0 || line.label === 'moved');
}
