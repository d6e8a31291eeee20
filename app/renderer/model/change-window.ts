/**
 * The live changes shown: those of the polls within a chosen span (the last poll, the last
 * 10 s or minute, or everything since the user cleared). Counts are sums over the polls, each
 * exact (the server diffs consecutive scans); the marks are the union of their runs, cut at a
 * limit that the panel names when it is reached.
 */
import type { WireChanges } from '../../common/ipc.js';
import type { SnapshotFile } from '../../common/snapshot/schema.js';

export type ChangeSpan = 'poll' | '10s' | '1min' | 'cleared';

export const CHANGE_SPANS: readonly { span: ChangeSpan; label: string; ms: number }[] = [
  { span: 'poll', label: '1 poll', ms: 0 },
  { span: '10s', label: '10 s', ms: 10_000 },
  { span: '1min', label: '1 min', ms: 60_000 },
  { span: 'cleared', label: 'until cleared', ms: Infinity },
];

/** Runs of changed pages kept for marking across the polls shown. */
export const MARKED_RANGE_LIMIT = 100_000;

type Totals = SnapshotFile['totals'];

/** One poll's changes, with the totals before it (the previous poll's) and after it. */
export interface PollChanges {
  sequence: number;
  takenAt: number;
  changes: WireChanges;
  before: Totals;
  after: Totals;
}

export interface ChangeTally {
  polls: number;
  /** When the first poll counted was taken (ms), or null when none. */
  since: number | null;
  total: number;
  newPages: number;
  gonePages: number;
  summary: { from: number; to: number; pages: number }[];
  ranges: WireChanges['ranges'];
  /** Some runs of changed pages are not marked (the server's or this list's limit). */
  marksCut: boolean;
  /** Pages per status before the first poll counted and after the last. */
  before: Totals | null;
  after: Totals | null;
}

/** The polls of `history` (oldest first) that the span covers at `now`; `clearedAt` bounds "until cleared". */
export function pollsInSpan(history: readonly PollChanges[], span: ChangeSpan, now: number, clearedAt: number): PollChanges[] {
  if (span === 'poll') return history.slice(-1);
  if (span === 'cleared') return history.filter((p) => p.takenAt > clearedAt);
  const ms = CHANGE_SPANS.find((s) => s.span === span)?.ms ?? 0;
  return history.filter((p) => p.takenAt > now - ms);
}

export function tally(polls: readonly PollChanges[]): ChangeTally {
  const pairs = new Map<string, { from: number; to: number; pages: number }>();
  const ranges: WireChanges['ranges'] = [];
  let total = 0;
  let newPages = 0;
  let gonePages = 0;
  let marksCut = false;
  for (const { changes } of polls) {
    total += changes.total;
    newPages += changes.newPages;
    gonePages += changes.gonePages;
    for (const t of changes.summary) {
      const key = `${t.from}>${t.to}`;
      const row = pairs.get(key);
      if (row === undefined) pairs.set(key, { ...t });
      else row.pages += t.pages;
    }
    if (changes.ranges.length < changes.rangesTotal) marksCut = true;
    for (const range of changes.ranges) {
      if (ranges.length >= MARKED_RANGE_LIMIT) {
        marksCut = true;
        break;
      }
      ranges.push(range);
    }
  }
  const first = polls[0];
  const last = polls[polls.length - 1];
  return {
    polls: polls.length,
    since: first?.takenAt ?? null,
    total,
    newPages,
    gonePages,
    summary: [...pairs.values()].sort((a, b) => a.from - b.from || a.to - b.to),
    ranges,
    marksCut,
    before: first?.before ?? null,
    after: last?.after ?? null,
  };
}

/** Statuses whose page count differs between two totals: [status, before, after], nodes first. */
export function totalsDelta(before: Totals, after: Totals): [number, number, number][] {
  const rows: [number, number, number][] = [];
  for (const group of ['byNode', 'byStatus'] as const) {
    const keys = new Set([...Object.keys(before[group]), ...Object.keys(after[group])]);
    const sorted = [...keys].map(Number).sort((a, b) => Math.abs(a) - Math.abs(b));
    for (const status of sorted) {
      const b = before[group][String(status)] ?? 0;
      const a = after[group][String(status)] ?? 0;
      if (a !== b) rows.push([status, b, a]);
    }
  }
  return rows;
}
