/**
 * The watched process over time, for the session: per-poll totals (LIVE_POLLS_KEPT, the
 * oldest dropped first), the overview pictures of the last few polls (PICTURES_KEPT), and the
 * moves and undos made from this page, marked where they started and ended, and the intervals
 * of heat measurements (HEAT_POINTS_KEPT). Starts again
 * when another process is watched.
 */
import { useEffect, useRef, useState } from 'react';
import type { HeatIntervalWire, PlacementUpdate } from '../../common/ipc.js';
import type { MovePhase } from '../model/moves.js';
import {
  HEAT_POINTS_KEPT,
  heatPointOf,
  keepLast,
  LIVE_POLLS_KEPT,
  markOfPhaseChange,
  PICTURES_KEPT,
  pointOfUpdate,
  type ChartMark,
  type HeatPoint,
  type KeptPicture,
  type PollPoint,
} from '../model/timeline.js';

export interface LiveTimeline {
  points: PollPoint[];
  marks: ChartMark[];
  pictures: KeptPicture[];
  /** The intervals of heat measurements run from this page, each where it ended. */
  heat: HeatPoint[];
}

const EMPTY: LiveTimeline = { points: [], marks: [], pictures: [], heat: [] };
const MARKS_KEPT = 200;

function processKey(update: PlacementUpdate): string {
  const p = update.placement.process;
  return `${p.pid}:${p.startTime}`;
}

/** `heatInterval`: the latest interval of a running heat measurement of the process shown (null when none has run). */
export function useTimeline(update: PlacementUpdate | null, move: MovePhase, heatInterval: HeatIntervalWire | null = null): LiveTimeline {
  const [timeline, setTimeline] = useState<LiveTimeline>(EMPTY);
  const shownKey = useRef<string | null>(null);
  const lastSequence = useRef<number | null>(null);

  useEffect(() => {
    if (update === null) return;
    const key = processKey(update);
    const fresh = key !== shownKey.current;
    if (!fresh && lastSequence.current === update.sequence) return;
    shownKey.current = key;
    lastSequence.current = update.sequence;
    setTimeline((before) => {
      const base = fresh ? EMPTY : before;
      return {
        points: keepLast(base.points, pointOfUpdate(update), LIVE_POLLS_KEPT),
        marks: base.marks,
        heat: base.heat,
        pictures: keepLast(base.pictures, { sequence: update.sequence, tile: update.overview }, PICTURES_KEPT),
      };
    });
  }, [update]);

  // Only the move's phase changes are read: a move that starts running, and its result.
  const seenPhase = useRef<MovePhase>(move);
  useEffect(() => {
    const before = seenPhase.current;
    seenPhase.current = move;
    if (before === move || shownKey.current === null) return;
    const mark = markOfPhaseChange(before, move, Date.now());
    if (mark !== null) {
      const added = mark;
      setTimeline((t) => ({ ...t, marks: keepLast(t.marks, added, MARKS_KEPT) }));
    }
  }, [move]);

  useEffect(() => {
    const point = heatInterval === null ? null : heatPointOf(heatInterval);
    if (point === null || shownKey.current === null) return;
    setTimeline((t) => ({ ...t, heat: keepLast(t.heat, point, HEAT_POINTS_KEPT) }));
  }, [heatInterval]);

  return timeline;
}
