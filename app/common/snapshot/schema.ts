/**
 * The snapshot file as it sits on disk (docs/snapshot-format.md describes it for people).
 *
 * These types are the shape of the JSON itself: addresses stay "0x.." strings and statuses
 * stay run-length encoded, so a parsed file can be re-serialized byte for byte and other
 * tools can read the file without numascope. `decodePlacement` turns it into the domain
 * model (bigint addresses, one Int16Array per region).
 *
 * Fields marked "optional in files" may be absent from files written by hand or by other
 * tools; `parseSnapshot` fills them in (see `validate.ts`), so a parsed `SnapshotFile`
 * always has every field. numascope always writes every field.
 */
import type { VmaKind } from '../types.js';
import type { SnapshotRuns } from './runs.js';

export const SNAPSHOT_FORMAT = 'numascope-snapshot';
export const SNAPSHOT_VERSION = 1;

/** One run of the per-page status: `pageCount` consecutive pages that all have `status`. */
export type SnapshotRun = [pageCount: number, status: number];

export interface SnapshotTool {
  name: string;
  version: string;
}

export interface SnapshotProcess {
  pid: number;
  comm: string;
  cmdline: string[];
  /** Field 22 of /proc/PID/stat, clock ticks after boot. */
  startTime: number;
}

export interface SnapshotNode {
  id: number;
  cpus: number[];
  /** Bytes. */
  memTotal: number;
  /** Bytes, when the snapshot was taken. */
  memFree: number;
  /** Distances to the nodes of `nodes`, in that order. */
  distances: number[];
  /** Optional in files: defaults to `cpus.length === 0`. */
  cpuless: boolean;
  /** Optional in files: defaults to null. */
  memoryTier: number | null;
}

export interface SnapshotMemoryTier {
  id: number;
  nodes: number[];
}

export interface SnapshotVma {
  /** Hex with a 0x prefix, page aligned; the region is [start, end). */
  start: string;
  end: string;
  /** As in /proc/PID/maps, e.g. "rw-p". */
  perms: string;
  /** Optional in files (default "0x0"): file offset, hex. */
  offset: string;
  /** Optional in files (default "00:00"). */
  dev: string;
  /** Optional in files (default 0). */
  inode: number;
  /** As /proc/PID/maps prints it; '' for plain anonymous memory. */
  path: string;
  /** Optional in files: derived from `path` when absent. */
  name: string;
  /** Optional in files: derived from `path` when absent. */
  kind: VmaKind;
  /** Run-length encoded status, in address order; lengths sum to (end - start) / pageSize. */
  runs: SnapshotRuns;
}

export interface SnapshotTotals {
  /** Pages per node id (status >= 0). Every node of `nodes` has a key, possibly 0. */
  byNode: Record<string, number>;
  /** Pages per negative status (errno). Only statuses that occur have a key. */
  byStatus: Record<string, number>;
}

export interface SnapshotFile {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  /** Optional in files: the program that wrote it; null when unknown. */
  tool: SnapshotTool | null;
  /** ISO 8601 with a time zone, e.g. "2025-03-01T12:00:00.000Z". */
  takenAt: string;
  /** uname -r of the machine the snapshot was taken on. */
  kernel: string;
  /** Bytes per page of the statuses (the base page size, not a huge page size). */
  pageSize: number;
  process: SnapshotProcess;
  nodes: SnapshotNode[];
  /** Optional in files: defaults to the ids of nodes with memTotal > 0. */
  withMemory: number[];
  /** Optional in files: defaults to []. */
  memoryTiers: SnapshotMemoryTier[];
  vmas: SnapshotVma[];
  totals: SnapshotTotals;
}

/** Statuses are node ids (>= 0) or negative errnos; the kernel's errnos stop at 4095. */
export const MAX_STATUS = 4095;
export const MIN_STATUS = -4095;

/**
 * Limits a writer and a reader agree on. They bound what a file stores (its bytes and its
 * runs), never the address span it covers: a 1 TiB reservation with a few pages touched is a
 * few runs. The writer checks them before writing, so it never writes a file the reader refuses.
 */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/**
 * Runs over all regions: 2^25 is about 33 million, a file of 200-450 MB (which the byte limit
 * may refuse first). The reader holds long runs lists in typed arrays at 10-20 bytes a run
 * (runs.ts), so opening a file at these limits peaks near 1 GiB (docs/snapshot-format.md, "Limits").
 */
export const DEFAULT_MAX_RUNS = 2 ** 25;
/**
 * Pages `decodePlacement` expands to one status each (2 bytes a page, for the viewer): 2^28
 * pages is 1 TiB of 4 KiB pages, 512 MiB decoded. Parsing and validating never allocate per page.
 */
export const DEFAULT_MAX_PAGES = 2 ** 28;

export interface ParseOptions {
  /** Refuse text longer than this many UTF-8 bytes. Default 256 MiB. */
  maxBytes?: number;
  /** Refuse snapshots with more runs than this over all regions. Default 2^25. */
  maxRuns?: number;
  /** Refuse snapshots covering more pages than this in total. Default: no limit (2^53 - 1). */
  maxPages?: number;
}
