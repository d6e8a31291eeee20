/**
 * Reads a timeline file: checks every line, replays every poll's delta onto the first
 * placement and holds each poll's totals to the pages the replay gives, so a file that reads
 * is one whose every poll can be shown. The limits are the snapshot reader's: bytes, runs
 * over the whole file, pages held one by one.
 */
import { parseSnapshot } from '../snapshot/codec.js';
import { decodePlacement } from '../snapshot/decode.js';
import { SnapshotError } from '../snapshot/error.js';
import { checkSize, parseJson } from '../snapshot/json.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_RUNS, type SnapshotFile } from '../snapshot/schema.js';
import { MAX_HELD_PAGES } from '../status-store.js';
import type { Placement, Topology } from '../types.js';
import { checkEnd, checkHeader, checkMark, checkPoll, isObject } from './check.js';
import { TIMELINE_FORMAT, type PollTotals, type TimelineEnd, type TimelineHeader, type TimelineMark, type TimelinePoll } from './format.js';
import { TimelineState } from './state.js';

export interface Timeline {
  header: TimelineHeader;
  /** The first poll's whole placement. */
  first: SnapshotFile;
  /** Every poll, the first (index 0, an empty delta) included. */
  polls: TimelinePoll[];
  marks: TimelineMark[];
  end: TimelineEnd;
}

export interface TimelineReadOptions {
  maxBytes?: number;
  maxRuns?: number;
  maxHeldPages?: number;
}

/** Whether `text` starts as a timeline does (its first line names the format), as opposed to a snapshot. */
export function isTimelineText(text: string): boolean {
  const newline = text.indexOf('\n');
  const first = newline < 0 ? text : text.slice(0, newline);
  if (first.length > 4096 || !first.includes(TIMELINE_FORMAT)) return false;
  try {
    const value: unknown = JSON.parse(first);
    return isObject(value) && value.format === TIMELINE_FORMAT;
  } catch {
    return false;
  }
}

function sameTotals(a: PollTotals, b: PollTotals): boolean {
  const entries = (t: PollTotals): string =>
    [...Object.entries(t.byNode), ...Object.entries(t.byStatus)]
      .filter(([, pages]) => pages !== 0)
      .sort(([x], [y]) => Number(x) - Number(y))
      .join(';');
  return entries(a) === entries(b);
}

export function parseTimeline(text: string, options: TimelineReadOptions = {}): Timeline {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxHeldPages = options.maxHeldPages ?? MAX_HELD_PAGES;
  try {
    checkSize(text, maxBytes);
  } catch (error) {
    if (error instanceof SnapshotError) throw new SnapshotError(error.message.replace(/^snapshot/, 'timeline'), { cause: error });
    throw error;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const line = (n: number): unknown => {
    try {
      return parseJson(lines[n - 1] as string);
    } catch (error) {
      throw new SnapshotError(`line ${n}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  if (lines.length === 0) throw new SnapshotError('not a numascope timeline: the text is empty');
  const header = checkHeader(line(1));
  if (lines.length < 2) throw new SnapshotError('truncated timeline: the first poll (line 2) is missing');
  let first: SnapshotFile;
  try {
    first = parseSnapshot(lines[1] as string, { maxBytes, maxRuns: options.maxRuns ?? DEFAULT_MAX_RUNS });
  } catch (error) {
    throw new SnapshotError(`line 2 (the first poll): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const budget = { left: options.maxRuns ?? DEFAULT_MAX_RUNS };
  for (const vma of first.vmas) budget.left -= vma.runs.length;
  const { placement, topology } = decodePlacement(first, { maxHeldPages });
  const state = TimelineState.adopt(placement);
  const nodes = topology.nodes.map((n) => n.id);
  const polls: TimelinePoll[] = [{ poll: 0, t: 0, kind: 'first', totals: first.totals, removed: [], added: [], changed: [] }];
  const marks: TimelineMark[] = [];
  let end: TimelineEnd | null = null;
  for (let n = 3; n <= lines.length; n++) {
    const value = line(n);
    const path = `line ${n}`;
    if (end !== null) throw new SnapshotError(`${path}: there is more after the end line (line ${n - 1})`);
    if (!isObject(value)) throw new SnapshotError(`${path}: must be an object`);
    const last = polls[polls.length - 1] as TimelinePoll;
    if (Object.hasOwn(value, 'end')) {
      end = checkEnd(value, path);
      if (end.polls !== polls.length) throw new SnapshotError(`${path}: the end line counts ${end.polls} polls but the file has ${polls.length}`);
    } else if (Object.hasOwn(value, 'mark')) {
      const mark = checkMark(value, path);
      if (mark.poll > last.poll) throw new SnapshotError(`${path}: the mark names poll ${mark.poll}, which comes later`);
      marks.push(mark);
    } else {
      const poll = checkPoll(value, `${path}: poll`, budget);
      const where = `line ${n}: poll ${poll.poll}`;
      if (poll.poll !== last.poll + 1) throw new SnapshotError(`${where}: expected poll ${last.poll + 1} here`);
      if (poll.t < last.t) throw new SnapshotError(`${where}: its time ${poll.t} ms is before the previous poll's ${last.t} ms`);
      state.apply(poll, where);
      if (state.heldPages > maxHeldPages) throw new SnapshotError(`${where}: more than the ${maxHeldPages} pages held one by one that can be decoded here`);
      if (!sameTotals(poll.totals, state.totals(nodes))) throw new SnapshotError(`${where}: its totals do not match its pages (a corrupted file?)`);
      polls.push(poll);
    }
  }
  if (end === null) throw new SnapshotError(`truncated timeline: no end line after poll ${polls.length - 1} (line ${lines.length}); the recording was cut short`);
  return { header, first, polls, marks, end };
}

/**
 * A timeline's placement at any poll, rebuilt from the first placement and the deltas.
 * Forward steps apply only the deltas in between; a step back starts again from the first.
 */
export class TimelineReplay {
  private state: TimelineState | null = null;
  private at = -1;
  readonly topology: Topology;
  private readonly base: Placement;

  constructor(readonly timeline: Timeline) {
    const { placement, topology } = decodePlacement(timeline.first);
    this.topology = topology;
    this.base = placement;
  }

  /** The placement at poll `index`: its stores belong to this replay and change on the next call. */
  placementAt(index: number): Placement {
    const { polls, header, first } = this.timeline;
    const target = Math.max(0, Math.min(index, polls.length - 1));
    if (this.state === null || target < this.at) {
      this.state = TimelineState.copyOf(this.base);
      this.at = 0;
    }
    for (let i = this.at + 1; i <= target; i++) this.state.apply(polls[i] as TimelinePoll, `poll ${i}`);
    this.at = target;
    const poll = polls[target] as TimelinePoll;
    return {
      identity: { pid: first.process.pid, comm: first.process.comm, cmdline: [...first.process.cmdline], startTime: first.process.startTime },
      pageSize: first.pageSize,
      takenAt: Date.parse(header.startedAt) + poll.t,
      regions: this.state.regions,
    };
  }
}
