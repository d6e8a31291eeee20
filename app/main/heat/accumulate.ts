/**
 * Turns per-interval samples (runs of pages accessed in one interval) into heat ranges: for
 * every stretch of pages, the share of intervals in which it was accessed. A sweep over the
 * runs' ends, so the cost follows the number of runs, not the size of the address space.
 */
import type { HeatRange } from '../../common/heat.js';
import type { PageRun } from './soft-dirty.js';

export class IntervalCounter {
  /** +1 at a run's first page, -1 at its end, over all intervals. */
  private readonly deltas = new Map<number, number>();
  private intervals = 0;
  private lastPages = 0;

  /** One interval's runs; `weights[i]` (default 1) is how much of the interval run i was used. */
  add(runs: readonly PageRun[], weights?: readonly number[]): void {
    this.intervals++;
    this.lastPages = 0;
    runs.forEach(([start, end], i) => {
      const weight = weights?.[i] ?? 1;
      if (weight <= 0) return;
      this.lastPages += (end - start) * weight;
      this.deltas.set(start, (this.deltas.get(start) ?? 0) + weight);
      this.deltas.set(end, (this.deltas.get(end) ?? 0) - weight);
    });
  }

  /** Pages used in the latest interval, each weighted as `add` was told. */
  get lastIntervalPages(): number {
    return this.lastPages;
  }

  get samples(): number {
    return this.intervals;
  }

  /** Address-ordered ranges with heat = intervals accessed / intervals sampled; untouched stretches left out. */
  ranges(pageSize: number): HeatRange[] {
    const points = [...this.deltas.keys()].sort((a, b) => a - b);
    const out: HeatRange[] = [];
    let level = 0;
    for (let i = 0; i < points.length; i++) {
      const at = points[i] as number;
      level += this.deltas.get(at) ?? 0;
      const next = points[i + 1];
      // Float sums of weights can leave a hair above zero where every run has ended.
      if (level <= 1e-9 || next === undefined) continue;
      const heat = level / this.intervals;
      const last = out[out.length - 1];
      const start = BigInt(at) * BigInt(pageSize);
      if (last && last.end === start && last.heat === heat) last.end = BigInt(next) * BigInt(pageSize);
      else out.push({ start, end: BigInt(next) * BigInt(pageSize), heat, age: null });
    }
    return out;
  }
}
