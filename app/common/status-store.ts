/**
 * The page statuses of one region, held by block: the region's pages are cut into blocks of
 * BLOCK_PAGES pages, and a block whose pages all share one status (the absent-page answer of
 * a sparse reservation, or one node for memory that sits on one node) is that one value; only
 * a block whose pages differ holds an Int16Array of its own (2 bytes a page). So a 64 TiB
 * reservation touching a few MB costs its few varying blocks plus one int16 per block
 * (8 MiB for 64 TiB), not 2 bytes for each of its 2^34 pages.
 *
 * Blocks are aligned to absolute page numbers (`phase` is the region's first page modulo
 * BLOCK_PAGES), so the sampler's windows, which end at multiples of their size in absolute
 * page numbers, fill whole blocks.
 *
 * Page indexes exceed 2^31 in large regions, so block arithmetic is done in doubles.
 */

/** Pages per block: 8 KiB when held page by page. */
export const BLOCK_PAGES = 4096;

/**
 * The most pages all regions together may hold page by page (in blocks whose statuses vary):
 * 2^30 pages, 2 GiB of statuses. The sampler refuses a process past it and the snapshot
 * decoder a file past it, so any scan the sampler can hold can be decoded from its file.
 */
export const MAX_HELD_PAGES = 2 ** 30;

/**
 * Blocks held page by page are cut from slabs: each allocation costs about 20 us here
 * whatever its size, and a sparse 32 GiB mapping varies in all of its 2,048 blocks (48 ms
 * one by one, 3 ms in slabs). A slab lives while any of its blocks does, so at most a slab's
 * memory is kept for one block.
 */
const SLAB_BLOCKS = { own: 16, shared: 64 } as const;

/**
 * Faults in a fresh slab's memory away from the thread that will write it (the sampler's
 * worker sets one: MADV_POPULATE_WRITE on one of koffi's threads). The kernel zeroes fresh
 * memory on first touch, and a sparse 32 GiB scan writing 16 MiB of blocks spent about 60 ms
 * of its 100 in those faults.
 */
export type SlabWarmer = (slab: Int16Array) => void;
let warmer: SlabWarmer | null = null;

/** Sets (or with null removes) this thread's warmer for shared slabs: each is then made one slab ahead and warmed. */
export function setSlabWarmer(next: SlabWarmer | null): void {
  warmer = next;
}

/** Hands out block-sized arrays, a slab's worth at a time from one buffer. */
class BlockSlab {
  private buffer: ArrayBufferLike | null = null;
  private next: number;
  /** The next slab, made and warmed before it is needed. */
  private ahead: ArrayBufferLike | null = null;

  constructor(
    private readonly shared: boolean,
    private readonly blocks: number,
  ) {
    this.next = blocks;
  }

  take(): Int16Array {
    if (this.buffer === null || this.next === this.blocks) {
      this.buffer = this.ahead ?? this.allocate();
      this.ahead = null;
      this.next = 0;
      if (this.shared && warmer !== null) {
        this.ahead = this.allocate();
        warmer(new Int16Array(this.ahead));
      }
    }
    return new Int16Array(this.buffer, this.next++ * BLOCK_PAGES * 2, BLOCK_PAGES);
  }

  private allocate(): ArrayBufferLike {
    const bytes = this.blocks * BLOCK_PAGES * 2;
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
}

const slabs = { shared: new BlockSlab(true, SLAB_BLOCKS.shared), own: new BlockSlab(false, SLAB_BLOCKS.own) };

/** Blocks of one status, copied from: on shared memory, `set` from a template took a fifth of the time of TypedArray.fill here. */
const templates = new Map<number, Int16Array>();

/** A whole block of `value`, not to be written. */
function template(value: number): Int16Array {
  let block = templates.get(value);
  if (block === undefined) {
    // Statuses are node ids and errnos: a handful of values.
    if (templates.size >= 64) templates.clear();
    block = new Int16Array(BLOCK_PAGES).fill(value);
    templates.set(value, block);
  }
  return block;
}

/** Gives array[from, to) the status `value`. */
function fillBlock(array: Int16Array, value: number, from: number, to: number): void {
  if (to - from <= 32) for (let i = from; i < to; i++) array[i] = value;
  else array.set(to - from === BLOCK_PAGES ? template(value) : template(value).subarray(0, to - from), from);
}

/** Marks a block held page by page: no status (node ids < 1024, errnos >= -4095) is 0x7fff. */
const VARIES = 0x7fff;

/** A store's contents as plain data, for posting between threads (a class instance loses its class). */
export interface StatusStoreData {
  length: number;
  phase: number;
  /** Per block: its one status, or VARIES when `blocks` holds its pages. */
  uniform: Int16Array;
  blocks: Map<number, Int16Array>;
}

/** Told, and free to refuse by throwing, before a block is held page by page (+1), and when one no longer is (-1). */
export interface HeldBudget {
  change(blocks: number): void;
}

export interface StatusStoreOptions {
  /** The region's first page modulo BLOCK_PAGES (default 0). */
  phase?: number;
  /** Hold varying blocks in SharedArrayBuffers, so another thread can write them in place. */
  shared?: boolean;
  budget?: HeldBudget | null;
}

/** Visits [start, end) with one status; returning false stops the walk. */
export type RunVisitor = (start: number, end: number, status: number) => boolean | void;

/** The first index in [from, to) whose status is not `value`, or `to`: the hot loop, kept small so it is optimized early. */
function sameUntil(array: Int16Array, from: number, to: number, value: number): number {
  let q = from;
  while (q < to && array[q] === value) q++;
  return q;
}

function blockCount(length: number, phase: number): number {
  return length === 0 ? 0 : Math.floor((length - 1 + phase) / BLOCK_PAGES) + 1;
}

export class StatusStore {
  private uniform: Int16Array;
  private blocks = new Map<number, Int16Array>();
  readonly phase: number;
  // Private fields proper: how a store allocates is not part of what it holds (deepEqual).
  readonly #shared: boolean;
  readonly #budget: HeldBudget | null;

  /** `length` pages, every one with status 0. */
  constructor(
    readonly length: number,
    options: StatusStoreOptions = {},
  ) {
    this.phase = options.phase ?? 0;
    this.#shared = options.shared ?? false;
    this.#budget = options.budget ?? null;
    this.uniform = new Int16Array(blockCount(length, this.phase));
  }

  /** A store on `data` (not copied: its blocks are written in place). */
  static fromData(data: StatusStoreData, options: Omit<StatusStoreOptions, 'phase'> = {}): StatusStore {
    const store = new StatusStore(0, { ...options, phase: data.phase });
    (store as { length: number }).length = data.length;
    store.adopt(data);
    return store;
  }

  /**
   * A store holding `values` (for small arrays: tests, conversions), filled run by run as the
   * snapshot decoder fills it, so equal statuses give equal stores.
   */
  static of(values: ArrayLike<number>, phase = 0): StatusStore {
    const store = new StatusStore(values.length, { phase });
    for (let i = 0; i < values.length; ) {
      const value = values[i] as number;
      let j = i + 1;
      while (j < values.length && values[j] === value) j++;
      store.fill(value, i, j);
      i = j;
    }
    return store;
  }

  /** The contents, sharing this store's arrays. */
  toData(): StatusStoreData {
    return { length: this.length, phase: this.phase, uniform: this.uniform, blocks: this.blocks };
  }

  /** Takes over `data`'s contents (a rescan's answer for this region). */
  adopt(data: StatusStoreData): void {
    if (data.length !== this.length || data.phase !== this.phase) {
      throw new Error(`status store: cannot adopt ${data.length} pages at phase ${data.phase} into ${this.length} at phase ${this.phase}`);
    }
    this.uniform = data.uniform;
    this.blocks = data.blocks;
  }

  /** Blocks held page by page. */
  get heldBlocks(): number {
    return this.blocks.size;
  }

  /** Pages held page by page (whole blocks). */
  get heldPages(): number {
    return this.blocks.size * BLOCK_PAGES;
  }

  /** Bytes this store holds: its varying blocks and one int16 per block. */
  get heldBytes(): number {
    return this.blocks.size * BLOCK_PAGES * 2 + this.uniform.byteLength;
  }

  /** The arrays of the varying blocks (to reuse for a copy of the same size, see copy). */
  heldArrays(): IterableIterator<Int16Array> {
    return this.blocks.values();
  }

  get(i: number): number {
    const p = i + this.phase;
    const b = Math.floor(p / BLOCK_PAGES);
    const u = this.uniform[b] as number;
    if (u !== VARIES) return u;
    return (this.blocks.get(b) as Int16Array)[p - b * BLOCK_PAGES] as number;
  }

  set(i: number, value: number): void {
    const p = i + this.phase;
    const b = Math.floor(p / BLOCK_PAGES);
    const u = this.uniform[b] as number;
    if (u === value) return;
    const array = u === VARIES ? (this.blocks.get(b) as Int16Array) : this.vary(b, u);
    array[p - b * BLOCK_PAGES] = value;
  }

  /** Gives pages [start, end) the status `value` (TypedArray.fill's order). */
  fill(value: number, start: number, end: number): void {
    const stop = Math.min(end, this.length) + this.phase;
    let p = Math.max(0, start) + this.phase;
    while (p < stop) {
      const b = Math.floor(p / BLOCK_PAGES);
      const first = b * BLOCK_PAGES;
      const e = Math.min(first + BLOCK_PAGES, stop);
      const u = this.uniform[b] as number;
      if (this.covers(p, e, first)) this.settle(b, value);
      else if (u !== value) fillBlock(u === VARIES ? (this.blocks.get(b) as Int16Array) : this.vary(b, u), value, p - first, e - first);
      p = e;
    }
  }

  /** Writes source[offset, offset + count) to pages [start, start + count). */
  setFrom(source: Int32Array, offset: number, start: number, count: number): void {
    const stop = start + count + this.phase;
    let p = start + this.phase;
    let k = offset;
    while (p < stop) {
      const b = Math.floor(p / BLOCK_PAGES);
      const first = b * BLOCK_PAGES;
      const e = Math.min(first + BLOCK_PAGES, stop);
      const n = e - p;
      const u = this.uniform[b] as number;
      const head = source[k] as number;
      let same = 1;
      while (same < n && source[k + same] === head) same++;
      if (same === n && (head === u || this.covers(p, e, first))) {
        // One status for the whole piece: nothing to hold page by page.
        if (head !== u) this.settle(b, head);
      } else {
        const array = u === VARIES ? (this.blocks.get(b) as Int16Array) : this.vary(b, u);
        const at = p - first;
        if (n <= 16) for (let j = 0; j < n; j++) array[at + j] = source[k + j] as number;
        else array.set(source.subarray(k, k + n), at);
      }
      p = e;
      k += n;
    }
  }

  /**
   * Visits the runs of [start, end) in order, each as long as it can be (a run goes on across
   * blocks). Returns false when the visitor stopped the walk.
   */
  visitRuns(start: number, end: number, visit: RunVisitor): boolean {
    const phase = this.phase;
    const stop = Math.min(end, this.length) + phase;
    let p = Math.max(0, start) + phase;
    if (p >= stop) return true;
    let current = this.get(p - phase);
    let runStart = p;
    while (p < stop) {
      const b = Math.floor(p / BLOCK_PAGES);
      const first = b * BLOCK_PAGES;
      const e = Math.min(first + BLOCK_PAGES, stop);
      const u = this.uniform[b] as number;
      if (u !== VARIES) {
        if (u !== current) {
          if (visit(runStart - phase, p - phase, current) === false) return false;
          current = u;
          runStart = p;
        }
      } else {
        const array = this.blocks.get(b) as Int16Array;
        const qe = e - first;
        for (let q = sameUntil(array, p - first, qe, current); q < qe; q = sameUntil(array, q + 1, qe, current)) {
          if (visit(runStart - phase, first + q - phase, current) === false) return false;
          current = array[q] as number;
          runStart = first + q;
        }
      }
      p = e;
    }
    return visit(runStart - phase, stop - phase, current) !== false;
  }

  /** A copy in memory of this thread's own, reusing arrays from `spare` (block-sized) when given. */
  copy(spare: Int16Array[] = []): StatusStore {
    const store = new StatusStore(0, { phase: this.phase });
    (store as { length: number }).length = this.length;
    store.uniform = this.uniform.slice();
    for (const [b, array] of this.blocks) {
      const held = spare.pop() ?? slabs.own.take();
      held.set(array);
      store.blocks.set(b, held);
    }
    return store;
  }

  /** Every status, one per page (small stores only: tests and comparisons). */
  toArray(): Int16Array {
    const out = new Int16Array(this.length);
    this.visitRuns(0, this.length, (s, e, status) => void out.fill(status, s, e));
    return out;
  }

  /** Whether [p, e) (positions in block b starting at `first`) is all of the block's pages in this region. */
  private covers(p: number, e: number, first: number): boolean {
    return p <= Math.max(first, this.phase) && e >= Math.min(first + BLOCK_PAGES, this.length + this.phase);
  }

  /** Block b becomes the one status `value`. */
  private settle(b: number, value: number): void {
    if (this.uniform[b] === VARIES) {
      this.blocks.delete(b);
      this.#budget?.change(-1);
    }
    this.uniform[b] = value;
  }

  /** Block b, until now all `value`, gets an array of its own. */
  private vary(b: number, value: number): Int16Array {
    this.#budget?.change(1);
    const array = (this.#shared ? slabs.shared : slabs.own).take();
    if (value !== 0) fillBlock(array, value, 0, BLOCK_PAGES);
    this.blocks.set(b, array);
    this.uniform[b] = VARIES;
    return array;
  }
}
