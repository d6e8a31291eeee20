/**
 * Heat from DAMON's snapshots: per stretch of pages, the share of checks that found it
 * accessed, over the intervals since its access level last changed. DAMON itself keeps that
 * span as a region's age; numascope's snapshots are samples of it, taken at the ends of some
 * aggregation intervals, and DAMON's regions move from one interval to the next (they start as
 * an even split of the address space and adapt to the accesses over a few intervals). Heat over
 * the whole window would give an idle buffer the busy neighbour's count it shared a region with
 * while DAMON settled, and no page of it would ever read as unused.
 */
import type { HeatRange } from '../../common/heat.js';
import type { PageRun } from './soft-dirty.js';

/** One snapshot: its regions as page runs (address order) with their share of checks accessed (0..1). */
export interface DamonSample {
  runs: readonly PageRun[];
  weights: readonly number[];
}

/**
 * How far a page's share may move and still count as the same access level: DAMON resets a
 * region's age when its count changes by more than a tenth of the highest count.
 */
export const LEVEL_CHANGE = 0.1;

/** Address-ordered ranges with their settled heat; stretches that read 0 in their last interval and since are left out. */
export function settledHeat(samples: readonly DamonSample[], pageSize: number, change = LEVEL_CHANGE): HeatRange[] {
  const points = [...new Set(samples.flatMap((sample) => sample.runs.flatMap(([start, end]) => [start, end])))].sort((a, b) => a - b);
  const cursors = samples.map(() => 0);
  const out: HeatRange[] = [];
  for (let p = 0; p + 1 < points.length; p++) {
    const at = points[p] as number;
    const weights = samples.map((sample, s) => {
      let i = cursors[s] as number;
      while (i < sample.runs.length && (sample.runs[i] as PageRun)[1] <= at) i++;
      cursors[s] = i;
      const run = sample.runs[i];
      return run && run[0] <= at ? (sample.weights[i] ?? 0) : 0;
    });
    const heat = trailingLevel(weights, change);
    if (heat <= 0) continue;
    const start = BigInt(at) * BigInt(pageSize);
    const end = BigInt(points[p + 1] as number) * BigInt(pageSize);
    const last = out[out.length - 1];
    if (last && last.end === start && last.heat === heat) last.end = end;
    else out.push({ start, end, heat, age: null });
  }
  return out;
}

/** The mean of the last weights that stay within `change` of the last one. */
function trailingLevel(weights: readonly number[], change: number): number {
  const last = weights[weights.length - 1];
  if (last === undefined) return 0;
  let sum = 0;
  let count = 0;
  for (let i = weights.length - 1; i >= 0 && Math.abs((weights[i] as number) - last) <= change + 1e-9; i--) {
    sum += weights[i] as number;
    count++;
  }
  return sum / count;
}
