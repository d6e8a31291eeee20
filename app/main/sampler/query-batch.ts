/**
 * The addresses of one move_pages call, and where each answer goes; batches are kept between
 * scans because allocating them costs more than a fast scan.
 */

const TWO_32 = 2 ** 32;

/**
 * Writes the address of `page` into slot `slot` of a BigUint64Array seen as 32-bit halves
 * (little-endian): two number stores instead of a BigInt per address.
 */
export function writePageAddress(halves: Uint32Array, slot: number, page: number, pageSize: number): void {
  const address = page * pageSize;
  halves[2 * slot] = address % TWO_32;
  halves[2 * slot + 1] = Math.floor(address / TWO_32);
}

/** Addresses queued for one move_pages call, and where each answer goes. */
export class Batch {
  readonly addresses: BigUint64Array;
  readonly halves: Uint32Array;
  readonly status: Int32Array;
  size = 0;
  // One segment per run of queued addresses that land in one region: `count` pages from
  // `index`, either one answer per page or (fill) one answer for all of them.
  readonly segRegion: Int32Array;
  readonly segIndex: Float64Array;
  readonly segCount: Float64Array;
  readonly segOffset: Int32Array;
  readonly segFill: Uint8Array;
  segments = 0;

  constructor(readonly capacity: number) {
    this.addresses = new BigUint64Array(capacity);
    this.halves = new Uint32Array(this.addresses.buffer);
    this.status = new Int32Array(capacity);
    this.segRegion = new Int32Array(capacity);
    this.segIndex = new Float64Array(capacity);
    this.segCount = new Float64Array(capacity);
    this.segOffset = new Int32Array(capacity);
    this.segFill = new Uint8Array(capacity);
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /**
   * Queues consecutive pages from `page`, as many as fit up to `count`, each answered on its
   * own, for region r's pages from `index`; returns how many were queued.
   */
  addPages(r: number, index: number, page: number, count: number, pageSize: number): number {
    const halves = this.halves;
    const from = this.size;
    const take = Math.min(this.capacity - from, count);
    const address = page * pageSize;
    let lo = address % TWO_32;
    let hi = Math.floor(address / TWO_32);
    for (let slot = from; slot < from + take; slot++) {
      halves[2 * slot] = lo;
      halves[2 * slot + 1] = hi;
      lo += pageSize;
      if (lo >= TWO_32) {
        lo -= TWO_32;
        hi++;
      }
    }
    this.addSegment(r, index, take, from, false);
    this.size += take;
    return take;
  }

  /** Queues the one address `page`, whose answer covers `count` pages of region r from `index`. */
  addFilled(r: number, index: number, page: number, count: number, pageSize: number): void {
    writePageAddress(this.halves, this.size, page, pageSize);
    this.addSegment(r, index, count, this.size, true);
    this.size++;
  }

  clear(): void {
    this.size = 0;
    this.segments = 0;
  }

  private addSegment(r: number, index: number, count: number, offset: number, fill: boolean): void {
    const k = this.segments++;
    this.segRegion[k] = r;
    this.segIndex[k] = index;
    this.segCount[k] = count;
    this.segOffset[k] = offset;
    this.segFill[k] = fill ? 1 : 0;
  }
}

/**
 * Batches kept between scans: a 16384-address batch is about 600 KB of zeroed typed arrays,
 * which took longer to allocate than a whole scan of 4 GiB of huge pages takes otherwise.
 */
const spareBatches: Batch[] = [];
const MAX_SPARE_BATCHES = 4;

/** A kept batch of this capacity, or a new one. */
export function takeBatch(capacity: number): Batch {
  const index = spareBatches.findIndex((b) => b.capacity === capacity);
  if (index < 0) return new Batch(capacity);
  const [batch] = spareBatches.splice(index, 1);
  return batch as Batch;
}

/** Keeps an emptied batch for a later scan (up to a few; the rest are left to the collector). */
export function returnBatch(batch: Batch): void {
  batch.clear();
  if (spareBatches.length < MAX_SPARE_BATCHES) spareBatches.push(batch);
}
