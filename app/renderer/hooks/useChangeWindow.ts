/**
 * The live changes kept for the span the user chose (see model/change-window.ts): every
 * poll's changes are remembered for as long as some span could show them, and the tally of
 * those in the chosen span is what the panel counts and the heatmaps mark.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { PlacementUpdate } from '../../common/ipc.js';
import { CHANGE_SPANS, pollsInSpan, tally, type ChangeSpan, type ChangeTally, type PollChanges } from '../model/change-window.js';

/** Polls remembered at most, whatever the span (an hour of one-second polls). */
const HISTORY_LIMIT = 3600;
const LONGEST_TIMED_SPAN = Math.max(...CHANGE_SPANS.filter((s) => Number.isFinite(s.ms)).map((s) => s.ms));

export interface ChangeWindow {
  span: ChangeSpan;
  setSpan(span: ChangeSpan): void;
  /** Forgets the changes seen so far ("until cleared" counts from now). */
  clear(): void;
  /** Null before a poll has been compared with the one before it. */
  tally: ChangeTally | null;
}

interface History {
  process: string;
  sequence: number;
  polls: PollChanges[];
  previous: PlacementUpdate | null;
}

export function useChangeWindow(update: PlacementUpdate | null): ChangeWindow {
  const [span, setSpan] = useState<ChangeSpan>('10s');
  const [clearedAt, setClearedAt] = useState(-Infinity);
  const history = useRef<History>({ process: '', sequence: -1, polls: [], previous: null });

  // Folded in while rendering (not in an effect) so the tally of an update is drawn with it.
  const polls = useMemo((): readonly PollChanges[] => {
    const h = history.current;
    if (update === null) return h.polls;
    const process = `${update.placement.process.pid}/${update.placement.process.startTime}`;
    if (process !== h.process) history.current = { process, sequence: -1, polls: [], previous: null };
    const current = history.current;
    if (update.sequence === current.sequence) return current.polls;
    const takenAt = Date.parse(update.placement.takenAt);
    const kept = current.polls.filter((p) => p.takenAt > Math.min(takenAt - LONGEST_TIMED_SPAN, span === 'cleared' ? clearedAt : Infinity));
    if (update.changes !== null && current.previous !== null) {
      kept.push({ sequence: update.sequence, takenAt, changes: update.changes, before: current.previous.placement.totals, after: update.placement.totals });
    }
    history.current = { process, sequence: update.sequence, polls: kept.slice(-HISTORY_LIMIT), previous: update };
    return history.current.polls;
  }, [update, span, clearedAt]);

  const shown = useMemo(() => {
    if (update === null || update.changes === null) return null;
    return tally(pollsInSpan(polls, span, Date.parse(update.placement.takenAt), clearedAt));
  }, [polls, span, clearedAt, update]);

  const clear = useCallback(() => {
    setClearedAt(update === null ? Date.now() : Date.parse(update.placement.takenAt));
    setSpan('cleared');
  }, [update]);

  return { span, setSpan, clear, tally: shown };
}
