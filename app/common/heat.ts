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
import { hex, type HexAddress } from './address.js';
import { HEAT_SECTION_VERSION, type HeatSection } from './snapshot/envelope.js';

export type { HeatSection };

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

/** The sources a measurement may be asked for: 'auto' is soft-dirty (DAMON only when asked for). */
export const HEAT_CHOICES = ['auto', 'soft-dirty', 'damon'] as const;
export type HeatChoice = (typeof HEAT_CHOICES)[number];

/** A measurement as it travels and as a snapshot file keeps it: addresses hex, times ISO 8601. */
export function heatSectionOf(measurement: HeatMeasurement): HeatSection {
  return {
    version: HEAT_SECTION_VERSION,
    source: measurement.source,
    label: measurement.label,
    resolution: measurement.resolution,
    intervalMs: measurement.intervalMs,
    samples: measurement.samples,
    startedAt: new Date(measurement.startedAt).toISOString(),
    measuredAt: new Date(measurement.endedAt).toISOString(),
    ranges: measurement.ranges.map((range) => ({ start: hex(range.start), end: hex(range.end), heat: range.heat, age: range.age })),
  };
}

export function measurementOf(section: HeatSection): HeatMeasurement {
  return {
    source: section.source,
    label: section.label,
    resolution: section.resolution,
    samples: section.samples,
    intervalMs: section.intervalMs,
    startedAt: Date.parse(section.startedAt),
    endedAt: Date.parse(section.measuredAt),
    ranges: section.ranges.map((range) => ({ start: BigInt(range.start), end: BigInt(range.end), heat: range.heat, age: range.age })),
  };
}

/** Node id (decimal) -> pages present there. */
export type NodePages = Record<string, number>;

export interface WireHeatRange {
  start: HexAddress;
  end: HexAddress;
  heat: number;
  age: number | null;
  nodes: NodePages;
}

/** A move worth making (app/main/advice/advise.ts), ranked. */
export interface WireRecommendation {
  kind: 'promote' | 'demote';
  start: HexAddress;
  end: HexAddress;
  pages: number;
  /** Of the pages on fromNode inside the range. */
  bytes: number;
  fromNode: number;
  toNode: number;
  heat: number;
  reason: string;
}

export interface WireRegionLocality {
  start: HexAddress;
  end: HexAddress;
  name: string;
  /** 0..1, the estimate of docs/advice-format.md; null without present pages. */
  locality: number | null;
}

/** One measurement of the watched process with what it advises: the answer to 'heat:measure'. */
export interface WireHeatReport {
  process: { pid: number; comm: string; startTime: number };
  /** When the placement the advice rests on was read (the end of the window). */
  takenAt: string;
  measurement: HeatSection;
  locality: number | null;
  /** 'cpu-time': threads weighted by their CPU time in the window; 'threads': the process was idle, each thread counts alike. */
  basis: 'cpu-time' | 'threads';
  nodeWeights: Record<string, number>;
  /** Hottest first, with where their pages are; at most HOTTEST_LIMIT. */
  hottest: WireHeatRange[];
  /** How many ranges there were in all. */
  rangesTotal: number;
  regions: WireRegionLocality[];
  recommendations: WireRecommendation[];
  /** Why there is less advice than one might expect, in words. */
  notes: string[];
}

/** Hottest ranges a report carries with their nodes (the measurement itself holds them all). */
export const HOTTEST_LIMIT = 200;
