/**
 * The per-poll totals a chart of the process over time draws: live, kept by the page for
 * the session in a bounded ring; offline, read from a timeline file.
 */
import type { PlacementTile } from '../../common/placement-tiles.js';
import type { HeatIntervalWire, PlacementUpdate } from '../../common/ipc.js';
import type { MovePhase } from './moves.js';
import { notPresentPages, type Timeline } from '../../common/timeline/index.js';

/** Polls kept live: an hour at the default 1 s interval, about 150 bytes each (half a megabyte). */
export const LIVE_POLLS_KEPT = 3600;
/** Overview pictures kept live, the latest polls' (an overview is at most a few thousand numbers). */
export const PICTURES_KEPT = 8;

export interface PollPoint {
  /** The poll's sequence (live) or number in the file. */
  sequence: number;
  /** ms since the epoch. */
  at: number;
  byNode: Record<string, number>;
  /** Pages mapped and not present on any node. */
  absent: number;
  /** 0..1: the CPU-time-weighted share of present pages on the threads' nodes since the poll before; null when unknown. */
  locality: number | null;
}

/** One heat interval, while a measurement runs: its share of the present pages used. */
export interface HeatPoint {
  /** ms since the epoch: the interval's end. */
  at: number;
  /** 0..1. */
  share: number;
  /** What was counted, in words ("writes only (soft-dirty)"). */
  label: string;
}

/** Heat intervals kept live: each measurement has at most a few hundred. */
export const HEAT_POINTS_KEPT = 3600;

/** The chart's point for a heat interval; null when it has no share (no poll yet, no present pages). */
export function heatPointOf(interval: HeatIntervalWire): HeatPoint | null {
  return interval.share === null ? null : { at: Date.parse(interval.at), share: interval.share, label: interval.label };
}

export type ChartMarkKind = 'move' | 'undo' | 'migration';

export interface ChartMark {
  at: number;
  kind: ChartMarkKind;
  /** A move's start or end; a mark from a file is a single moment. */
  edge: 'start' | 'end' | 'seen';
  text: string;
}

export interface KeptPicture {
  sequence: number;
  tile: PlacementTile;
}

export function pointOfUpdate(update: PlacementUpdate): PollPoint {
  const { totals, takenAt } = update.placement;
  return { sequence: update.sequence, at: Date.parse(takenAt), byNode: { ...totals.byNode }, absent: notPresentPages(totals), locality: update.locality?.share ?? null };
}

/** `list` with `item` added at the end, keeping the last `max`. */
export function keepLast<T>(list: readonly T[], item: T, max: number): T[] {
  const next = list.length >= max ? list.slice(list.length - max + 1) : list.slice();
  next.push(item);
  return next;
}

export function pointsOfTimeline(timeline: Timeline): PollPoint[] {
  const start = Date.parse(timeline.header.startedAt);
  return timeline.polls.map((poll) => ({ sequence: poll.poll, at: start + poll.t, byNode: { ...poll.totals.byNode }, absent: notPresentPages(poll.totals), locality: poll.locality ?? null }));
}

export function marksOfTimeline(timeline: Timeline): ChartMark[] {
  const start = Date.parse(timeline.header.startedAt);
  return timeline.marks.map((mark) => ({ at: start + mark.t, kind: mark.mark, edge: 'seen', text: mark.text }));
}

/** The index of the point nearest `at` (points in time order), or -1 when there are none. */
export function nearestPoint(points: readonly PollPoint[], at: number): number {
  if (points.length === 0) return -1;
  let low = 0;
  let high = points.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((points[mid] as PollPoint).at < at) low = mid + 1;
    else high = mid;
  }
  const before = points[low - 1];
  return before !== undefined && at - before.at < (points[low] as PollPoint).at - at ? low - 1 : low;
}

/** The node ids the points name, in the order given, then any others ascending. */
export function chartNodes(points: readonly PollPoint[], order: readonly number[]): number[] {
  const seen = new Set<number>();
  for (const point of points) for (const node of Object.keys(point.byNode)) seen.add(Number(node));
  return [...order.filter((n) => seen.has(n)), ...[...seen].filter((n) => !order.includes(n)).sort((a, b) => a - b)];
}

/** The mark a move's phase change makes: where a move or undo starts running, and where its result arrives. */
export function markOfPhaseChange(before: MovePhase, after: MovePhase, at: number): ChartMark | null {
  if (after.phase === 'running' && (before.phase !== 'running' || before.moveId !== after.moveId)) {
    return { at, kind: after.kind, edge: 'start', text: `${after.kind} started` };
  }
  if (after.phase === 'done' && (before.phase !== 'done' || before.result.moveId !== after.result.moveId)) {
    return { at, kind: after.kind, edge: 'end', text: `${after.kind} ${after.result.outcome}: ${after.result.counts.moved} pages moved` };
  }
  return null;
}
