/**
 * Cuts the runs of pages to move, as the query finds them (survey.ts's pendingRuns), into
 * move calls: for a move to one node with no huge folios, a call is a slice of the page list,
 * or a few slices copied together, with no work per page.
 */

export class PendingCursor {
  /** The run being taken from (its start's index in `runs`), and the first page not taken. */
  private run = 0;
  private at = 0;

  /** `runs`: [start, end) pairs of page indices, ascending; it may grow between calls. */
  constructor(private readonly runs: readonly number[]) {}

  /** Whether every run found so far has been taken. */
  get caughtUp(): boolean {
    return this.run >= this.runs.length;
  }

  /**
   * The next call, of at most `limit` pages: [start, end) pieces of runs, runs that touch
   * joined, and the pages they hold.
   */
  take(limit: number): { pieces: number[]; pages: number } {
    const runs = this.runs;
    const pieces: number[] = [];
    let n = 0;
    while (n < limit && this.run < runs.length) {
      if (this.at < (runs[this.run] as number)) this.at = runs[this.run] as number;
      const end = runs[this.run + 1] as number;
      const take = Math.min(end - this.at, limit - n);
      if (pieces.length > 0 && pieces[pieces.length - 1] === this.at) pieces[pieces.length - 1] = this.at + take;
      else pieces.push(this.at, this.at + take);
      n += take;
      this.at += take;
      if (this.at === end) this.run += 2;
    }
    return { pieces, pages: n };
  }
}

/**
 * The addresses of `pieces` (`count` pages): a view of `pages` for one piece, else the pieces
 * copied into `scratch`, which must hold `count`.
 */
export function addressesOf(pages: BigUint64Array, pieces: readonly number[], count: number, scratch: BigUint64Array): BigUint64Array {
  if (pieces.length === 2) return pages.subarray(pieces[0], pieces[1]);
  for (let p = 0, k = 0; p < pieces.length; p += 2) {
    const [a, b] = [pieces[p] as number, pieces[p + 1] as number];
    scratch.set(pages.subarray(a, b), k);
    k += b - a;
  }
  return scratch.subarray(0, count);
}

/** The page indices of `pieces`, one per entry (`count` in all). */
export function indicesOf(pieces: readonly number[], count: number): Uint32Array {
  const first = new Uint32Array(count);
  for (let p = 0, k = 0; p < pieces.length; p += 2) {
    for (let i = pieces[p] as number; i < (pieces[p + 1] as number); i++) first[k++] = i;
  }
  return first;
}
