/**
 * Writes the kernel's answers into the regions' status stores, recording in the change log
 * every page whose answer differs from the previous scan's (tracked regions only).
 */
import type { ChangeLog } from './changes.js';
import type { EngineRegion } from './engine-contract.js';
import type { Batch } from './query-batch.js';

export class AnswerWriter {
  constructor(
    private readonly regions: readonly EngineRegion[],
    private readonly changes: ChangeLog | null,
    private readonly pageSize: number,
  ) {}

  /** Whether region r's answers are compared with the previous ones. */
  tracksChanges(r: number): boolean {
    return this.changes !== null && (this.regions[r] as EngineRegion).tracked;
  }

  /** Writes a batch's answers where they belong, and empties it. */
  store(batch: Batch): void {
    const status = batch.status;
    for (let k = 0; k < batch.segments; k++) {
      const r = batch.segRegion[k] as number;
      const index = batch.segIndex[k] as number;
      const count = batch.segCount[k] as number;
      const offset = batch.segOffset[k] as number;
      const region = this.regions[r] as EngineRegion;
      if (batch.segFill[k] === 1) this.fill(r, index, index + count, status[offset] as number);
      // Single pages are most of the segments in sparse memory: keep them off any call.
      else if (count === 1 && !(region.tracked && this.changes !== null)) region.status.set(index, status[offset] as number);
      else this.storeRun(region, index, count, status, offset);
    }
    batch.clear();
  }

  /** Gives pages [start, end) of region r the one answer `value`. */
  fill(r: number, start: number, end: number, value: number): void {
    const region = this.regions[r] as EngineRegion;
    const dest = region.status;
    const changes = region.tracked ? this.changes : null;
    if (changes !== null) {
      // Run by run: a tracked sparse region is mostly long runs already holding `value`.
      const pageSize = this.pageSize;
      dest.visitRuns(start, end, (from, to, old) => {
        if (old !== value) for (let i = from; i < to; i++) changes.record((region.firstPage + i) * pageSize, old, value);
      });
    }
    dest.fill(value, start, end);
  }

  private storeRun(region: EngineRegion, index: number, count: number, status: Int32Array, offset: number): void {
    const dest = region.status;
    const changes = region.tracked ? this.changes : null;
    if (changes !== null) {
      const pageSize = this.pageSize;
      for (let i = 0; i < count; i++) {
        const value = status[offset + i] as number;
        const old = dest.get(index + i);
        if (old !== value) {
          changes.record((region.firstPage + index + i) * pageSize, old, value);
          dest.set(index + i, value);
        }
      }
    } else {
      dest.setFrom(status, offset, index, count);
    }
  }
}
