/**
 * What changed between two scans: every change is counted (by from -> to pair), and the
 * first `capacity` are kept page by page in typed arrays, so a storm of changes (a whole
 * process migrated by the balancer) cannot exhaust memory.
 */
import type { PageChange, PageStatus } from '../../common/types.js';

/** A ChangeLog as plain data, to cross from the sampler's worker thread to the main thread. */
export interface ChangeLogData {
  capacity: number;
  total: number;
  addresses: Float64Array;
  from: Int16Array;
  to: Int16Array;
  pairs: [number, number][];
}

export class ChangeLog {
  total = 0;
  private readonly addresses: Float64Array;
  private readonly from: Int16Array;
  private readonly to: Int16Array;
  private readonly pairs = new Map<number, number>();

  constructor(readonly capacity = 65536) {
    this.addresses = new Float64Array(capacity);
    this.from = new Int16Array(capacity);
    this.to = new Int16Array(capacity);
  }

  record(address: number, from: PageStatus, to: PageStatus): void {
    if (this.total < this.capacity) {
      this.addresses[this.total] = address;
      this.from[this.total] = from;
      this.to[this.total] = to;
    }
    this.total++;
    const key = from * 65536 + to;
    this.pairs.set(key, (this.pairs.get(key) ?? 0) + 1);
  }

  /** Copies of the kept entries only, so a log with few changes crosses threads cheaply. */
  toData(): ChangeLogData {
    const kept = Math.min(this.total, this.capacity);
    return {
      capacity: this.capacity,
      total: this.total,
      addresses: this.addresses.slice(0, kept),
      from: this.from.slice(0, kept),
      to: this.to.slice(0, kept),
      pairs: [...this.pairs],
    };
  }

  static fromData(data: ChangeLogData): ChangeLog {
    const log = new ChangeLog(data.capacity);
    log.addresses.set(data.addresses);
    log.from.set(data.from);
    log.to.set(data.to);
    log.total = data.total;
    for (const [key, pages] of data.pairs) log.pairs.set(key, pages);
    return log;
  }

  /** The kept changes (at most `capacity`), in the order they were seen. */
  list(): PageChange[] {
    const kept = Math.min(this.total, this.capacity);
    const out: PageChange[] = [];
    for (let i = 0; i < kept; i++) {
      out.push({ address: BigInt(this.addresses[i] as number), from: this.from[i] as number, to: this.to[i] as number });
    }
    return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  /** Counts per (from, to) status pair, e.g. pages that moved from node 0 to node 1. */
  summary(): { from: PageStatus; to: PageStatus; pages: number }[] {
    return [...this.pairs]
      .map(([key, pages]) => {
        const from = Math.round(key / 65536);
        return { from, to: key - from * 65536, pages };
      })
      .sort((a, b) => a.from - b.from || a.to - b.to);
  }
}
