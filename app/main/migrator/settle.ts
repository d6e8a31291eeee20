/**
 * What became of each page of a move call, from the kernel's answers.
 *
 * With a return of 0 the kernel wrote every status, and a single page that answers with its
 * target is there. Everything else is asked again, the only complete answer: a call that
 * returned a count (statuses after the failed batch were never written), a presumed folio (did
 * its other pages follow?), and a page that answered with an error (a busy tail of a folio may
 * have moved with its head).
 */
import { ERRNO } from '../../common/status-reasons.js';
import { PageState } from './survey.js';

/**
 * Written into status buffers before each call: where it survives, the kernel did not answer
 * for the page (it stops at the first batch that fails to migrate completely).
 */
export const NOT_WRITTEN = -0x7fffffff;
const RETRYABLE = new Set<number>([-ERRNO.EBUSY, -ERRNO.EAGAIN]);

/** Per page of a move, by index: the arrays the answers are written into. */
export interface PageBook {
  /** Where each page should go. */
  readonly targets: Int32Array;
  /** PageState per page. */
  readonly state: Uint8Array;
  /** The status the result reports. */
  readonly status: Int32Array;
  /** Where the page was last seen. */
  readonly current: Int32Array;
}

/**
 * One call's entries and answers: entry e stands for pages first[e] .. first[e] + count[e] - 1,
 * went to nodes[e] and was answered answer[e]; `complete` when the call returned 0.
 */
export interface CallAnswers {
  readonly first: Uint32Array;
  readonly count: Uint32Array;
  readonly nodes: Int32Array;
  readonly answer: Int32Array;
  readonly complete: boolean;
}

/** Whether entry `e`'s answer settles it without asking again. */
function final(call: CallAnswers, e: number): boolean {
  return call.complete && call.count[e] === 1 && call.answer[e] === call.nodes[e];
}

/** The pages the call covered, and how many of them must be asked about again. */
export function unsettledPages(call: CallAnswers): { covered: number; unsettled: number } {
  let covered = 0;
  let unsettled = 0;
  for (let e = 0; e < call.first.length; e++) {
    const n = call.count[e] as number;
    covered += n;
    if (!final(call, e)) unsettled += n;
  }
  return { covered, unsettled };
}

/**
 * The addresses of the pages to ask about again, in entry order; `pageWords` are the move's
 * page addresses as 32-bit halves, gathered without a BigInt per page.
 */
export function gatherUnsettled(call: CallAnswers, pageWords: Uint32Array, unsettled: number): BigUint64Array {
  const gather = new BigUint64Array(unsettled);
  const gatherWords = new Uint32Array(gather.buffer);
  let k = 0;
  for (let e = 0; e < call.first.length; e++) {
    if (final(call, e)) continue;
    const page = call.first[e] as number;
    const n = call.count[e] as number;
    gatherWords.set(pageWords.subarray(2 * page, 2 * (page + n)), 2 * k);
    k += n;
  }
  return gather;
}

/**
 * Decides every page of the call into `book`: `where` answers, in gatherUnsettled's order, the
 * query of the pages not settled by the call's answers. Returns the pages now on their target.
 */
export function applyAnswers(book: PageBook, call: CallAnswers, where: Int32Array): number {
  const { targets, state, status, current } = book;
  let moved = 0;
  let k = 0;
  for (let e = 0; e < call.first.length; e++) {
    const page = call.first[e] as number;
    const n = call.count[e] as number;
    const said = call.answer[e] as number;
    const settled = final(call, e);
    for (let j = 0; j < n; j++) {
      const i = page + j;
      const actual = settled ? said : (where[k++] as number);
      current[i] = actual;
      if (actual === targets[i]) {
        state[i] = PageState.Moved;
        status[i] = actual;
        moved++;
      } else if (actual < 0) {
        // The page went away while we worked (unmapped, swapped out).
        state[i] = PageState.Failed;
        status[i] = actual;
      } else if (said < 0 && said !== NOT_WRITTEN && !RETRYABLE.has(said)) {
        state[i] = PageState.Failed;
        status[i] = said;
      } else if (n > 1 && said >= 0) {
        // The stretch was small pages, not one huge folio: only its first page went.
        state[i] = PageState.Pending;
      } else {
        // Busy, or in a batch the kernel gave up on: another round.
        state[i] = PageState.Retry;
        status[i] = said === -ERRNO.EBUSY ? said : -ERRNO.EAGAIN;
      }
    }
  }
  return moved;
}

/** Whether a page waiting for another round was busy: real contention, worth a pause first. */
export function anyBusy(state: Uint8Array, status: Int32Array): boolean {
  for (let i = 0; i < state.length; i++) if (state[i] === PageState.Retry && status[i] === -ERRNO.EBUSY) return true;
  return false;
}
