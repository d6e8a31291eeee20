/**
 * Writes a timeline as lines of text, one poll at a time. The first poll is a whole snapshot
 * (the snapshot codec's file, on one line); each later poll is its delta from the one before
 * and its totals. A poll the sampler says changed nothing costs no per-page work here.
 */
import { encodeSnapshot } from '../snapshot/codec.js';
import { SnapshotError } from '../snapshot/error.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_RUNS, type SnapshotTool } from '../snapshot/schema.js';
import type { Placement, Topology } from '../types.js';
import { TIMELINE_FORMAT, TIMELINE_VERSION, type EndReason, type MarkKind, type PollKind, type PollTotals, type TimelineEnd, type TimelineHeader, type TimelineMark, type TimelinePoll } from './format.js';
import { isEmptyDelta, TimelineState } from './state.js';

export interface PollInput {
  placement: Placement;
  kind: Exclude<PollKind, 'first'>;
  /**
   * What the sampler knows changed: `quiet` when no page and no region did (the delta is then
   * empty without looking), else the addresses of the pages it saw change, or null when it
   * did not keep them all.
   */
  changed: { quiet: true } | { quiet: false; addresses: ArrayLike<number> | null };
  /** The locality over the interval this poll ends, from its pages per node; returns null, or is left out, when unknown. */
  locality?: (pagesByNode: Readonly<Record<string, number>>) => LocalityFigure | null;
}

export interface LocalityFigure {
  /** 0..1. */
  share: number;
  basis: 'cpu-time' | 'threads';
}

export interface WriterLimits {
  /** Stop before the text grows over this many UTF-16 units (the reader's byte limit, at least). */
  maxChars?: number;
  /** Stop before the file holds more runs than the reader takes. */
  maxRuns?: number;
}

function runsIn(poll: Pick<TimelinePoll, 'added' | 'changed'>): number {
  let runs = 0;
  for (const region of poll.added) runs += region.runs.length;
  for (const [, , list] of poll.changed) runs += list.length;
  return runs;
}

export class TimelineWriter {
  private readonly lines: string[] = [];
  private chars = 0;
  private runs = 0;
  private polls = 0;
  private readonly state: TimelineState;
  private readonly nodes: number[];
  private readonly started: number;
  private lastTotals: PollTotals;
  private lastT = 0;
  private readonly maxChars: number;
  private readonly maxRuns: number;

  constructor(first: Placement, topology: Topology, options: { tool?: SnapshotTool | null; intervalMs: number } & WriterLimits) {
    this.maxChars = options.maxChars ?? DEFAULT_MAX_BYTES / 3;
    this.maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
    const snapshot = encodeSnapshot({ placement: first, topology, tool: options.tool ?? null, maxRuns: this.maxRuns });
    const header: TimelineHeader = { format: TIMELINE_FORMAT, version: TIMELINE_VERSION, tool: options.tool ?? null, intervalMs: options.intervalMs, startedAt: snapshot.takenAt };
    if (!this.push(JSON.stringify(header)) || !this.push(JSON.stringify(snapshot))) {
      throw new SnapshotError('cannot record timeline: the first poll alone is larger than a timeline file may be');
    }
    for (const vma of snapshot.vmas) this.runs += vma.runs.length;
    this.state = TimelineState.copyOf(first);
    this.nodes = topology.nodes.map((n) => n.id);
    this.started = first.takenAt;
    this.lastTotals = snapshot.totals;
    this.polls = 1;
  }

  /** Polls written, the first included. */
  get pollCount(): number {
    return this.polls;
  }

  get totals(): PollTotals {
    return this.lastTotals;
  }

  /** Adds a poll; false (nothing written) when it would take the file over a limit. */
  addPoll(input: PollInput): boolean {
    const delta = input.changed.quiet ? { removed: [], added: [], changed: [] } : this.state.deltaTo(input.placement, input.changed.addresses);
    const runs = runsIn(delta);
    if (this.runs + runs > this.maxRuns) return false;
    const t = Math.max(this.lastT, Math.round(input.placement.takenAt - this.started));
    if (!isEmptyDelta(delta)) {
      this.state.apply(delta, `poll ${this.polls}`);
      this.lastTotals = this.state.totals(this.nodes);
    }
    const poll: TimelinePoll = { poll: this.polls, t, kind: input.kind, totals: this.lastTotals, ...delta, ...localityFields(input.locality?.(this.lastTotals.byNode) ?? null) };
    if (!this.push(pollText(poll))) return false;
    this.runs += runs;
    this.lastT = t;
    this.polls++;
    return true;
  }

  addMark(kind: MarkKind, text: string): void {
    const mark: TimelineMark = { mark: kind, t: this.lastT, poll: this.polls - 1, text };
    this.push(JSON.stringify(mark));
  }

  /** The whole file, ended with `reason`. */
  finish(reason: EndReason): string {
    const end: TimelineEnd = { end: reason, polls: this.polls, t: this.lastT };
    return `${[...this.lines, JSON.stringify(end)].join('\n')}\n`;
  }

  private push(line: string): boolean {
    // Room is kept for the end line, so a full file still ends properly.
    if (this.chars + line.length + 1 > this.maxChars - 200) return false;
    this.lines.push(line);
    this.chars += line.length + 1;
    return true;
  }
}

/** Four digits are finer than the estimate is good for, and keep a poll line short. */
function localityFields(locality: LocalityFigure | null): Pick<TimelinePoll, 'locality' | 'localityBasis'> {
  if (locality === null) return {};
  const share = Math.round(Math.min(1, Math.max(0, locality.share)) * 10_000) / 10_000;
  return locality.basis === 'threads' ? { locality: share, localityBasis: 'threads' } : { locality: share };
}

/** A poll line: empty lists left out, so a quiet poll is its number, time, kind and totals. */
function pollText(poll: TimelinePoll): string {
  const { removed, added, changed, ...rest } = poll;
  return JSON.stringify({ ...rest, ...(removed.length > 0 ? { removed } : {}), ...(added.length > 0 ? { added } : {}), ...(changed.length > 0 ? { changed } : {}) });
}
