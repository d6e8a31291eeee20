/**
 * Access heat of address ranges: how often a range was used during a measured window, and by
 * what the measurement was made. Pure data, shared by the CLI, the service and the renderer.
 *
 * Heat is always a share of sampled intervals, 0..1: DAMON's nr_accesses over the most it can
 * count in an aggregation interval (a range touched at every sampling check is 1), soft-dirty's
 * number of sample intervals in which a page was written over the number of intervals. A
 * measurement carries its source, resolution and window, so a figure is never shown without
 * what it is and how old it is.
 */

/** 'damon': reads and writes, sampled by DAMON (vaddr); 'soft-dirty': writes only. */
export type HeatSourceKind = 'damon' | 'soft-dirty';

export interface HeatRange {
  start: bigint;
  end: bigint;
  /** 0..1: share of sampled intervals in which the range was accessed (written, for soft-dirty). */
  heat: number;
  /** DAMON's age of the range (aggregation intervals its access pattern held); null for soft-dirty. */
  age: number | null;
}

export interface HeatMeasurement {
  source: HeatSourceKind;
  /** What the figure means in words: "accesses (DAMON)" or "writes only (soft-dirty)". */
  label: string;
  /** How fine the ranges are, in words: "4 KiB pages" or "DAMON regions (10-1000)". */
  resolution: string;
  /** Intervals sampled. */
  samples: number;
  intervalMs: number;
  /** ms since the epoch: the window measured. */
  startedAt: number;
  endedAt: number;
  /** Address order, non-overlapping; ranges never seen accessed are left out. */
  ranges: HeatRange[];
}

export const HEAT_LABELS: Readonly<Record<HeatSourceKind, string>> = {
  damon: 'accesses (DAMON)',
  'soft-dirty': 'writes only (soft-dirty)',
};
