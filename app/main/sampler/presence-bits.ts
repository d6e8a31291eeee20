/**
 * One bit a page: whether the page was present (and not the shared zero page) when the
 * sampler last looked. Between two polls the kernel can drop or add pages without touching
 * any counter the target owns (MADV_DONTNEED, MADV_PAGEOUT, a page freed by reclaim, a
 * fault-around), so each incremental poll compares the bits with a fresh presence walk and
 * asks move_pages only about the ranges that differ. The bits live in shared memory so the
 * worker thread updates them in place, poll after poll.
 */

/** A zeroed bit array for `pages` pages, in shared memory. */
export function newPresenceBits(pages: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(Math.ceil(pages / 32) * 4));
}

/** Whether bits [start, end) all equal `value` (0 or 1). */
export function allBits(bits: Uint32Array, start: number, end: number, value: 0 | 1): boolean {
  const want = value === 1 ? 0xffffffff : 0;
  let i = start;
  while (i < end) {
    const word = i >>> 5;
    const from = i & 31;
    const to = Math.min(32, from + (end - i));
    const mask = to - from === 32 ? 0xffffffff : (((1 << (to - from)) - 1) << from) >>> 0;
    if ((((bits[word] as number) ^ want) & mask) !== 0) return false;
    i += to - from;
  }
  return true;
}

/** Sets bits [start, end) to `value`. */
export function writeBits(bits: Uint32Array, start: number, end: number, value: 0 | 1): void {
  let i = start;
  while (i < end) {
    const word = i >>> 5;
    const from = i & 31;
    const to = Math.min(32, from + (end - i));
    const mask = to - from === 32 ? 0xffffffff : (((1 << (to - from)) - 1) << from) >>> 0;
    bits[word] = value === 1 ? ((bits[word] as number) | mask) >>> 0 : ((bits[word] as number) & ~mask) >>> 0;
    i += to - from;
  }
}

/** Ranges of pages [start, end), ascending, merged where they touch. */
export class RangeList {
  private data = new Float64Array(64);
  length = 0;

  add(start: number, end: number): void {
    if (end <= start) return;
    if (this.length > 0 && this.data[this.length - 1] === start) {
      this.data[this.length - 1] = end;
      return;
    }
    if (this.length + 2 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = start;
    this.data[this.length++] = end;
  }

  get pages(): number {
    let pages = 0;
    for (let k = 0; k < this.length; k += 2) pages += (this.data[k + 1] as number) - (this.data[k] as number);
    return pages;
  }

  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Compares a fresh presence walk with the bits and brings the bits up to date. `walk` visits
 * the runs of present pages [start, end) of the region in ascending order; every run or gap
 * that disagrees with the bits anywhere is added whole to `changed` (null: only record).
 */
export function updatePresence(bits: Uint32Array, pages: number, walk: (visit: (start: number, end: number) => void) => void, changed: RangeList | null): void {
  let cursor = 0;
  const gap = (end: number): void => {
    if (end <= cursor) return;
    if (!allBits(bits, cursor, end, 0)) {
      changed?.add(cursor, end);
      writeBits(bits, cursor, end, 0);
    }
  };
  walk((start, end) => {
    const from = Math.max(start, cursor);
    const to = Math.min(end, pages);
    if (to <= from) return;
    gap(from);
    if (!allBits(bits, from, to, 1)) {
      changed?.add(from, to);
      writeBits(bits, from, to, 1);
    }
    cursor = to;
  });
  gap(pages);
}
