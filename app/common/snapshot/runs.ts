/**
 * Runs held compactly: two typed arrays instead of one small JSON array per run. Read as JSON
 * arrays, each run costs about 120 bytes of memory; held here, 10 (up to 20 while growing). Reading a file keeps long
 * runs lists this way (see parse.ts), short ones stay plain arrays.
 */
import type { SnapshotRun } from './schema.js';

export class RunList implements Iterable<SnapshotRun> {
  constructor(
    /** Page counts, [0, length). */
    readonly counts: Float64Array,
    /** Statuses, [0, length); the reader keeps lists with statuses outside int16 as plain arrays. */
    readonly statuses: Int16Array,
    readonly length: number,
  ) {}

  *[Symbol.iterator](): Iterator<SnapshotRun> {
    for (let i = 0; i < this.length; i++) yield [this.counts[i] as number, this.statuses[i] as number];
  }

  /** JSON.stringify writes the runs as the file does: an array of pairs. */
  toJSON(): SnapshotRun[] {
    return Array.from(this);
  }
}

/** The runs of one region as the file stores them, either way they are held. */
export type SnapshotRuns = SnapshotRun[] | RunList;

/** Grows two typed arrays as runs are read. */
export class RunListBuilder {
  private counts = new Float64Array(1024);
  private statuses = new Int16Array(1024);
  length = 0;

  push(count: number, status: number): void {
    if (this.length === this.counts.length) {
      const counts = new Float64Array(this.length * 2);
      counts.set(this.counts);
      this.counts = counts;
      const statuses = new Int16Array(this.length * 2);
      statuses.set(this.statuses);
      this.statuses = statuses;
    }
    this.counts[this.length] = count;
    this.statuses[this.length] = status;
    this.length++;
  }

  /** A RunList trimmed to size, or plain pairs when there are fewer than `compactFrom`. */
  finish(compactFrom: number): SnapshotRuns {
    if (this.length < compactFrom) {
      const runs: SnapshotRun[] = new Array<SnapshotRun>(this.length);
      for (let i = 0; i < this.length; i++) runs[i] = [this.counts[i] as number, this.statuses[i] as number];
      return runs;
    }
    // Views, not copies: a copy would double the peak for a moment, the slack is at most as much.
    return new RunList(this.counts.subarray(0, this.length), this.statuses.subarray(0, this.length), this.length);
  }
}
