/**
 * Batches per-page move_pages queries across regions into calls of `chunkPages`
 * addresses and keeps up to `inFlight` calls running on koffi's worker threads, so the
 * cost of handing each call to a thread overlaps with the kernel's work on another.
 */
import { movePages } from '../../../native/index.js';
import type { StatusArray } from '../../common/types.js';
import type { ChangeLog } from './changes.js';

interface Batch {
  addresses: BigUint64Array;
  /** The same memory seen as 32-bit halves: addresses are built without BigInt math. */
  halves: Uint32Array;
  status: Int32Array;
  region: Uint32Array;
  index: Uint32Array;
  size: number;
}

const TWO_32 = 2 ** 32;

function newBatch(chunk: number): Batch {
  const addresses = new BigUint64Array(chunk);
  return {
    addresses,
    halves: new Uint32Array(addresses.buffer),
    status: new Int32Array(chunk),
    region: new Uint32Array(chunk),
    index: new Uint32Array(chunk),
    size: 0,
  };
}

export class QueryBatcher {
  private current: Batch;
  private readonly free: Batch[] = [];
  private readonly running: Promise<void>[] = [];
  calls = 0;
  queried = 0;

  constructor(
    private readonly pid: number,
    private readonly chunkPages: number,
    private readonly inFlight: number,
    private readonly destinations: StatusArray[],
    private readonly changes: ChangeLog | null,
    private readonly tracked: boolean[],
    private readonly regionStarts: number[],
    private readonly pageSize: number,
  ) {
    this.current = newBatch(chunkPages);
  }

  /** Queues one page; returns true when the batch is full and `dispatch()` must be awaited. */
  push(region: number, pageIndex: number, address: number): boolean {
    const batch = this.current;
    const slot = batch.size++;
    batch.halves[2 * slot] = address % TWO_32;
    batch.halves[2 * slot + 1] = Math.floor(address / TWO_32);
    batch.region[slot] = region;
    batch.index[slot] = pageIndex;
    return batch.size === this.chunkPages;
  }

  async dispatch(): Promise<void> {
    const batch = this.current;
    if (batch.size === 0) return;
    this.current = this.free.pop() ?? newBatch(this.chunkPages);
    const size = batch.size;
    const addresses = size === this.chunkPages ? batch.addresses : batch.addresses.subarray(0, size);
    const status = size === this.chunkPages ? batch.status : batch.status.subarray(0, size);
    this.calls++;
    this.queried += size;
    const call = movePages(this.pid, addresses, null, 0, status).then(() => {
      this.store(batch, size);
      batch.size = 0;
      this.free.push(batch);
    });
    this.running.push(call);
    if (this.running.length >= this.inFlight) await this.running.shift();
  }

  /** Sends what is queued and waits for every call. */
  async flush(): Promise<void> {
    await this.dispatch();
    while (this.running.length > 0) await this.running.shift();
  }

  private store(batch: Batch, size: number): void {
    const { status, region, index } = batch;
    const changes = this.changes;
    for (let i = 0; i < size; i++) {
      const dest = this.destinations[region[i] as number] as StatusArray;
      const at = index[i] as number;
      const value = status[i] as number;
      if (changes !== null && dest[at] !== value && this.tracked[region[i] as number] === true) {
        changes.record((this.regionStarts[region[i] as number] as number) + at * this.pageSize, dest[at] as number, value);
      }
      dest[at] = value;
    }
  }
}
