/**
 * The timeline file (docs/timeline-format.md): a recording of one process's placement over
 * time. JSON Lines: a header, the first poll's whole placement as a snapshot (the snapshot
 * format, on one line), then one line per later poll with only what changed, marks, and an
 * end line. A file without its end line was cut short and is refused.
 */
import type { SnapshotRun, SnapshotTool } from '../snapshot/schema.js';

export const TIMELINE_FORMAT = 'numascope-timeline';
export const TIMELINE_VERSION = 1;

export interface TimelineHeader {
  format: typeof TIMELINE_FORMAT;
  version: typeof TIMELINE_VERSION;
  tool: SnapshotTool | null;
  /** The interval asked for between polls, in ms. */
  intervalMs: number;
  /** When the first poll finished (ISO 8601); every `t` counts ms from it. */
  startedAt: string;
}

/** Pages per node id and per negative status, as a snapshot's totals spell them. */
export interface PollTotals {
  byNode: Record<string, number>;
  byStatus: Record<string, number>;
}

/** A region that appeared (or changed bounds, perms or file): everything a snapshot region has but its derived name and kind. */
export interface AddedRegion {
  start: string;
  end: string;
  perms: string;
  offset: string;
  dev: string;
  inode: number;
  path: string;
  runs: SnapshotRun[];
}

/** New statuses for pages of one region: [region index after this poll's removals and additions, first page, runs]. */
export type ChangedRuns = [region: number, page: number, runs: SnapshotRun[]];

export interface PollDelta {
  /** [start, end] of regions gone since the previous poll. */
  removed: [string, string][];
  added: AddedRegion[];
  changed: ChangedRuns[];
}

export type PollKind = 'first' | 'full' | 'presence' | 'quiet';

export interface TimelinePoll extends PollDelta {
  /** 0 for the first poll (the snapshot line), then 1, 2, ... */
  poll: number;
  /** ms after the header's startedAt. */
  t: number;
  kind: PollKind;
  totals: PollTotals;
  /**
   * The CPU-time-weighted share of the present pages on the nodes the threads ran on since the
   * previous poll, 0..1 (docs/advice-format.md); left out when unknown (the first poll, no
   * present pages, the threads unreadable). Older readers of version 1 skip it.
   */
  locality?: number;
  /** 'threads' when no thread used CPU time since the previous poll (each thread counted alike); left out for CPU time. */
  localityBasis?: 'threads';
}

export type MarkKind = 'migration' | 'move' | 'undo';

export interface TimelineMark {
  mark: MarkKind;
  t: number;
  /** The poll that first showed it. */
  poll: number;
  text: string;
}

export type EndReason = 'seconds' | 'interrupted' | 'exited' | 'size-limit' | 'failed';

export interface TimelineEnd {
  end: EndReason;
  polls: number;
  t: number;
}

export const END_REASONS: readonly EndReason[] = ['seconds', 'interrupted', 'exited', 'size-limit', 'failed'];
export const MARK_KINDS: readonly MarkKind[] = ['migration', 'move', 'undo'];
export const POLL_KINDS: readonly PollKind[] = ['full', 'presence', 'quiet'];

/** Pages present on no node: every negative status (not present, unmapped, ...). */
export function notPresentPages(totals: PollTotals): number {
  let pages = 0;
  for (const value of Object.values(totals.byStatus)) pages += value;
  return pages;
}
