/**
 * The move_pages calls of a move: the checks before each, the call, and reading its answers
 * into the page book (settle.ts decides each page). Which pages go in which call is run.ts's.
 */
import { performance } from 'node:perf_hooks';
import type { ProcessIdentity } from '../../common/types.js';
import type { MoveBackend } from './backend.js';
import { applyAnswers, gatherUnsettled, NOT_WRITTEN, unsettledPages, type CallAnswers, type PageBook } from './settle.js';
import { cancelled, Stop, stopFor } from './stop.js';
import { PageState } from './survey.js';

export interface CallSetup {
  identity: ProcessIdentity;
  flags: number;
  /** The move's page addresses, by index. */
  pages: BigUint64Array;
  book: PageBook;
  signal: AbortSignal | undefined;
  backend: MoveBackend;
}

export class MoveCalls {
  /** Whether a move call has been made: until then a failure or a cancel means it never started. */
  sent = false;
  /** Pages found on their target after a call. */
  moved = 0;
  /** The page addresses as 32-bit halves, to gather them without a BigInt per page. */
  private readonly pageWords: Uint32Array;

  constructor(private readonly setup: CallSetup) {
    const { pages } = setup;
    this.pageWords = new Uint32Array(pages.buffer, pages.byteOffset, pages.length * 2);
  }

  /**
   * Sends `addresses` to `nodes` after the checks every call needs; the answers land in `out`.
   * Throws a Stop when cancelled, when the process has gone, or when the call fails as a whole.
   */
  async send(addresses: BigUint64Array, nodes: Int32Array, out: Int32Array): Promise<{ notMoved: number | undefined; ms: number }> {
    const { identity, flags, signal, backend } = this.setup;
    if (signal?.aborted) throw cancelled();
    // A pid reused between chunks would have its pages moved by mistake: cheap to rule out.
    const gone = await backend.whyGone(identity);
    if (gone !== null) throw new Stop('exited', 'ESRCH', gone);
    out.fill(NOT_WRITTEN);
    this.sent = true;
    const started = performance.now();
    try {
      const { notMoved } = await backend.movePages(identity.pid, addresses, nodes, flags, out);
      return { notMoved, ms: performance.now() - started };
    } catch (error) {
      throw await stopFor(error, identity, backend);
    }
  }

  /**
   * Takes in one call's answers and decides what became of every page, asking again where the
   * answers are not final. Returns the pages covered and whether every one of them is settled
   * on its target from the answers alone.
   */
  async settle(first: Uint32Array, count: Uint32Array, nodes: Int32Array, answer: Int32Array, notMoved: number | undefined): Promise<{ covered: number; clean: boolean }> {
    const call: CallAnswers = { first, count, nodes, answer, complete: notMoved === 0 };
    const { covered, unsettled } = unsettledPages(call);
    let where: Int32Array = new Int32Array(0);
    if (unsettled > 0) {
      const { identity, backend } = this.setup;
      try {
        where = (await backend.movePages(identity.pid, gatherUnsettled(call, this.pageWords, unsettled), null, 0)).status;
      } catch (error) {
        throw await stopFor(error, identity, backend);
      }
    }
    this.moved += applyAnswers(this.setup.book, call, where);
    return { covered, clean: unsettled === 0 };
  }

  /**
   * Records a call to one `target` that returned 0 with every page answering the target:
   * `pieces` are the [start, end) page index pairs it carried, `pages` pages in all.
   */
  recordMoved(pieces: readonly number[], target: number, pages: number): void {
    const { state, status, current } = this.setup.book;
    for (let p = 0; p < pieces.length; p += 2) {
      const [a, b] = [pieces[p] as number, pieces[p + 1] as number];
      state.fill(PageState.Moved, a, b);
      status.fill(target, a, b);
      current.fill(target, a, b);
    }
    this.moved += pages;
  }
}
