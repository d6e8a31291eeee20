/**
 * Domain types shared by every side of numascope (main process, CLI, renderer).
 * Pure data: nothing here touches the kernel, the file system or the DOM.
 */

/** Per-page placement as move_pages reports it: a node id (>= 0) or a negative errno. */
export type PageStatus = number;

/**
 * Node ids and status codes fit in 16 bits (nodes < 1024, errnos < 4096). A region's statuses
 * are held by block (status-store.ts): one value for a block whose pages agree, 2 bytes a page
 * only for blocks whose pages differ.
 */
export type { StatusStore } from './status-store.js';
import type { StatusStore } from './status-store.js';

/**
 * A NUMA node: id, CPUs, memory (bytes), distances, cpuless, memory tier. One type with the
 * snapshot file's node, inferred from its schema (app/common/snapshot/envelope.ts), so what
 * the topology reader produces is what a snapshot stores.
 */
import type { SnapshotNode } from './snapshot/envelope.js';

export type NumaNode = SnapshotNode;

export interface MemoryTier {
  id: number;
  nodes: number[];
}

export interface Topology {
  nodes: NumaNode[];
  /** Nodes with memory, from /sys/devices/system/node/has_memory (subset of online). */
  withMemory: number[];
  memoryTiers: MemoryTier[];
  pageSize: number;
  /** uname -r */
  kernel: string;
}

export interface ProcessIdentity {
  pid: number;
  comm: string;
  cmdline: string[];
  /** Field 22 of /proc/PID/stat (clock ticks after boot): with pid, it names one process. */
  startTime: number;
}

export interface ThreadInfo {
  tid: number;
  comm: string;
  /** Field 39 of /proc/PID/task/TID/stat. */
  lastCpu: number;
  /** The node of lastCpu, when the topology is known. */
  lastNode: number | null;
}

export type VmaKind = 'heap' | 'stack' | 'thread-stack' | 'vdso' | 'vvar' | 'vsyscall' | 'file' | 'anon' | 'named-anon' | 'shmem' | 'hugetlb' | 'special';

export interface Vma {
  start: bigint;
  end: bigint;
  /** e.g. "rw-p" */
  perms: string;
  offset: bigint;
  dev: string;
  inode: number;
  /** The path field as the kernel prints it ('' for plain anonymous memory). */
  path: string;
  /** A readable name: "[heap]", "libc.so.6", "[anon:JIT]", "anonymous". */
  name: string;
  kind: VmaKind;
}

export interface NumaMapsEntry {
  start: bigint;
  /** e.g. "default", "bind:0-1", "interleave:0,1", "prefer:1" */
  policy: string;
  file: string | null;
  /** Pages per node as numa_maps counts them (N0=.. N1=..), in units of `kernelPageSize`. */
  pagesByNode: Map<number, number>;
  anon: number;
  dirty: number;
  mapped: number;
  /** Bytes; numa_maps reports kernelpagesize_kB for huge page mappings. */
  kernelPageSize: number;
  huge: boolean;
}

export interface SmapsEntry {
  start: bigint;
  end: bigint;
  /** Bytes. */
  rss: number;
  pss: number;
  anonymous: number;
  swap: number;
  anonHugePages: number;
  shmemPmdMapped: number;
  filePmdMapped: number;
  sharedHugetlb: number;
  privateHugetlb: number;
  kernelPageSize: number;
  mmuPageSize: number;
  thpEligible: boolean;
  vmFlags: string[];
}

export interface ProcessSummary {
  pid: number;
  comm: string;
  /** Field 22 of /proc/PID/stat (clock ticks after boot), as `--expect-start` takes it. */
  startTime: number;
  /** Bytes; 0 for kernel threads. */
  rss: number;
  /** Whether this process's placement can be read by us, and if not, why. */
  readable: boolean;
  reason: string | null;
}

/** One region's placement: status per page, in address order. */
export interface RegionPlacement {
  vma: Vma;
  status: StatusStore;
}

export interface Placement {
  identity: ProcessIdentity;
  pageSize: number;
  /** ms since the epoch when the scan finished. */
  takenAt: number;
  regions: RegionPlacement[];
}

/** A page whose status changed between two scans. */
export interface PageChange {
  address: bigint;
  from: PageStatus;
  to: PageStatus;
}

/** How a move ended: every page tried, stopped by the user, the process went away, or an error. */
export type MoveOutcome = 'complete' | 'cancelled' | 'exited' | 'failed';

/** A move's phases: 'query' reads where pages are; 'move' moves; 'retry' moves pages that were busy. */
export type MovePhase = 'query' | 'move' | 'retry';

/** Pages of one errno status, with its name and the reason in words. */
export interface StatusCount {
  /** The negative errno. */
  status: number;
  code: string;
  pages: number;
  reason: string;
}

/** What became of the pages of a move, counted; the migrator's result and the wire share it. */
export interface MoveCounts {
  /** Pages in the requested ranges (page-aligned, overlaps merged). */
  requested: number;
  /** Of those, outside every mapping. */
  unmapped: number;
  /** Mapped but with no page to move (status < 0 when asked before the move). */
  notPresent: number;
  alreadyOnTarget: number;
  /** Present pages not on the target before the move. */
  toMove: number;
  moved: number;
  failed: number;
  /**
   * Left alone because the move was cancelled or stopped first; this includes pages never
   * asked about because the process went away while the query was still running ahead.
   */
  notAttempted: number;
}
