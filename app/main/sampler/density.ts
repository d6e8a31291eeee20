/**
 * The engine's guess, window by window, of whether a region is dense: where nearly every page
 * is present (and none is huge), asking the presence source costs more than it saves, so the
 * following windows are queried directly, until a window shows gaps or a periodic re-check
 * asks the source again. A wrong guess costs time, never answers.
 */
import type { StatusStore } from '../../common/status-store.js';

/** A looked-up window with at least this share of present pages (and no huge ones) is dense. */
export const DENSE_ENTER = 0.9;
/** A directly queried window with fewer node answers than this share is not. */
export const DENSE_LEAVE = 0.75;
/** In a long dense run, ask the source again every this many windows (huge pages may follow). */
export const RECHECK_EVERY = 8;

/** Node answers in [start, end), estimated from every 8th page: it only steers the next window. */
export function sampledNodeAnswers(status: StatusStore, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i += 8) if (status.get(i) >= 0) count += 8;
  return count;
}

export class DensityGuess {
  private adaptiveHere = false;
  private direct = true;
  private directRun = 0;
  // The direct window before the current one: judged once its answers are in, so the
  // pipeline never waits for a judgement.
  private judgeFirst = -1;
  private judgeEnd = -1;

  constructor(private readonly adaptive: boolean) {}

  /** Starts a region; without the presence source every window is queried directly. */
  startRegion(useSource: boolean): void {
    this.adaptiveHere = useSource && this.adaptive;
    this.direct = !useSource;
    this.directRun = 0;
    this.judgeFirst = -1;
    this.judgeEnd = -1;
  }

  /** Whether the next window is queried directly rather than looked up first. */
  get queryDirectly(): boolean {
    return this.direct;
  }

  /** After a window looked up through the source: `present` of its `pages` were there. */
  afterLookup(present: number, pages: number, sawHuge: boolean): void {
    this.direct = this.adaptive && !sawHuge && present >= pages * DENSE_ENTER;
  }

  /**
   * After the direct window [first, end), whose queries may not be answered yet: the direct
   * window before it is judged from `status` instead.
   */
  afterDirect(status: StatusStore, first: number, end: number): void {
    if (!this.adaptiveHere) return;
    const judged = this.judgeFirst;
    if (judged >= 0 && sampledNodeAnswers(status, judged, this.judgeEnd) < (this.judgeEnd - judged) * DENSE_LEAVE) this.direct = false;
    this.judgeFirst = first;
    this.judgeEnd = end;
    if (++this.directRun % RECHECK_EVERY === 0) this.direct = false;
    if (!this.direct) this.judgeFirst = -1;
  }
}
