/**
 * The record of a finished move: what became of every page, the counts, and the undo plan
 * (every page that moved with the node it was on before).
 */
import { ERRNO } from '../../common/status-reasons.js';
import type { MoveCounts } from '../../common/types.js';
import { errorCode } from './errors.js';
import type { Stop } from './stop.js';
import { summarize, tally } from './summary.js';
import { PageState } from './survey.js';
import type { MoveJob, MoveResult } from './types.js';

/** What the query left (survey.ts's Survey, once finished). */
export interface SurveyRecord {
  readonly before: Int32Array;
  readonly state: Uint8Array;
  readonly pendingRuns: readonly number[];
  readonly known: number;
  readonly toMove: number;
  readonly alreadyOnTarget: number;
  readonly notPresentCount: number;
  readonly notPresent: ReadonlyMap<number, number>;
  readonly error: unknown;
  readonly askedPages: number;
  readonly knownPages: number;
  readonly queryMs: number;
}

export interface FinishedMove {
  job: MoveJob;
  survey: SurveyRecord;
  /** Per page, the status to report, and where it was last seen. */
  status: Int32Array;
  current: Int32Array;
  moved: number;
  stop: Stop | null;
}

/** The result of a finished move; leftover Retry pages become Failed (or untried, if stopped). */
export function moveResult(move: FinishedMove): MoveResult {
  const { job, survey, stop } = move;
  const { identity, flags } = job;
  const notPresent = new Map(survey.notPresent);
  const notPresentCount = survey.notPresentCount + countUnlisted(job, notPresent);
  const unasked = fillUnasked(move);
  const leftovers = everyPageMoved(move) ? { failed: 0, notAttempted: 0, failures: new Map<number, number>(), undo: undoFromRuns(move) } : judgeLeftovers(move);
  const counts: MoveCounts = {
    requested: job.requested,
    unmapped: job.unmapped,
    notPresent: notPresentCount,
    alreadyOnTarget: survey.alreadyOnTarget,
    toMove: survey.toMove,
    moved: move.moved,
    failed: leftovers.failed,
    notAttempted: unasked + leftovers.notAttempted,
  };
  return {
    identity,
    toNode: job.toNode,
    flags,
    outcome: stop ? stop.outcome : 'complete',
    message: summarize(job, counts, stop),
    error: stop && stop.outcome !== 'cancelled' ? { code: stop.code, message: stop.detail } : null,
    pageSize: job.pageSize,
    segments: job.segments,
    pages: job.pages,
    before: survey.before,
    status: move.status,
    ...(job.unlisted ? { unlistedStatus: job.unlisted.status } : {}),
    counts,
    failures: tally(leftovers.failures),
    notPresent: tally(notPresent),
    undo: { identity, flags, ...leftovers.undo },
    survey: { askedPages: survey.askedPages, knownPages: survey.knownPages, queryMs: survey.queryMs },
    durationMs: Date.now() - job.started,
  };
}

/** Adds the pages left out of the list as not present to `notPresent`; returns their count. */
function countUnlisted(job: MoveJob, notPresent: Map<number, number>): number {
  let pages = 0;
  job.unlisted?.pages.forEach((n, k) => {
    if (n === 0) return;
    const value = job.unlisted?.status[k] as number;
    pages += n;
    notPresent.set(value, (notPresent.get(value) ?? 0) + n);
  });
  return pages;
}

/**
 * Pages never asked about, because the query failed when the process went away: they count as
 * not attempted, with the query's error as what is known of them. Returns their count.
 */
function fillUnasked({ job, survey, status }: FinishedMove): number {
  const total = job.pages.length;
  if (survey.known >= total) return 0;
  const errno = -(ERRNO[errorCode(survey.error) as keyof typeof ERRNO] ?? ERRNO.ESRCH);
  survey.before.fill(errno, survey.known);
  status.fill(errno, survey.known);
  return total - survey.known;
}

function everyPageMoved({ survey: { state }, stop }: FinishedMove): boolean {
  return !stop && !state.includes(PageState.Pending) && !state.includes(PageState.Retry) && !state.includes(PageState.Failed);
}

/** Every page there was to move moved: the undo record is the runs found by the query. */
function undoFromRuns({ job: { pages }, survey: { pendingRuns, before, toMove } }: FinishedMove): { pages: BigUint64Array; nodes: Int32Array } {
  const undoPages = new BigUint64Array(toMove);
  const undoNodes = new Int32Array(toMove);
  for (let r = 0, k = 0; r < pendingRuns.length; r += 2) {
    const [a, b] = [pendingRuns[r] as number, pendingRuns[r + 1] as number];
    undoPages.set(pages.subarray(a, b), k);
    undoNodes.set(before.subarray(a, b), k);
    k += b - a;
  }
  return { pages: undoPages, nodes: undoNodes };
}

/**
 * Whatever is still waiting for another round has failed (or, when the move stopped between
 * rounds, stays where it is, untried as far as the caller knows); Pending pages were never
 * tried. The undo record is the pages that moved.
 */
function judgeLeftovers({ job: { pages }, survey: { state, before }, status, current, stop }: FinishedMove): { failed: number; notAttempted: number; failures: Map<number, number>; undo: { pages: BigUint64Array; nodes: Int32Array } } {
  const total = pages.length;
  const pageWords = new Uint32Array(pages.buffer, pages.byteOffset, total * 2);
  const failures = new Map<number, number>();
  let failed = 0;
  let notAttempted = 0;
  const undoIndex = new Uint32Array(total);
  let undoCount = 0;
  for (let i = 0; i < total; i++) {
    switch (state[i]) {
      case PageState.Retry:
        if (stop) {
          notAttempted++;
          status[i] = current[i] as number;
          continue;
        }
        state[i] = PageState.Failed;
        break;
      case PageState.Pending:
        notAttempted++;
        continue;
      case PageState.Moved:
        undoIndex[undoCount++] = i;
        continue;
      default:
        break;
    }
    if (state[i] === PageState.Failed) {
      failed++;
      const s = status[i] as number;
      failures.set(s, (failures.get(s) ?? 0) + 1);
    }
  }
  const undoPages = new BigUint64Array(undoCount);
  const undoNodes = new Int32Array(undoCount);
  const undoWords = new Uint32Array(undoPages.buffer);
  for (let k = 0; k < undoCount; k++) {
    const i = undoIndex[k] as number;
    undoWords[2 * k] = pageWords[2 * i] as number;
    undoWords[2 * k + 1] = pageWords[2 * i + 1] as number;
    undoNodes[k] = before[i] as number;
  }
  return { failed, notAttempted, failures, undo: { pages: undoPages, nodes: undoNodes } };
}
