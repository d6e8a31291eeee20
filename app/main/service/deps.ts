/**
 * Everything the service reaches outside itself, in one injectable object: the real kernel
 * and /proc by default, fakes in tests.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { movePages } from '../../../native/index.js';
import type { SnapshotTool } from '../../common/snapshot/index.js';
import type { SystemOverview } from '../../common/system-overview.js';
import type { Placement, ProcessIdentity, ProcessSummary, Topology, Vma } from '../../common/types.js';
import { moveNode, moveRanges, undoMove, type MoveOptions, type MoveRequest, type MoveResult, type NodeMoveRequest, type UndoPlan } from '../migrator/index.js';
import type { AddressRange } from '../migrator/plan.js';
import { checkMoveAllAllowed } from '../migrator/preflight.js';
import { findPresentPages, type PresentPages } from '../migrator/present.js';
import { parseStat, readIdentity, type ProcStat } from '../proc/identity.js';
import { procPath } from '../proc/errors.js';
import { listProcesses } from '../proc/list.js';
import { readMaps } from '../proc/maps.js';
import { readStatus } from '../proc/status.js';
import { readThreadTicks } from '../proc/thread-usage.js';
import { readSystemOverview } from '../proc/system-overview.js';
import { Poller, type PollerEvents } from '../sampler/poller.js';
import { readTopology } from '../system/topology.js';
import { TOOL } from '../tool.js';

/** What the service needs of the sampler's Poller. */
export interface PollerLike {
  start(): void;
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
  setInterval(ms: number): void;
  refresh(): Promise<void>;
  readonly interval: number;
  readonly current: Placement | null;
}

export interface ServiceDeps {
  readTopology(): Promise<Topology>;
  listProcesses(): Promise<ProcessSummary[]>;
  /** The system view's reading (numa_maps totals of every process, nodes, cgroups). */
  readSystemOverview(topology: Topology): Promise<SystemOverview>;
  readIdentity(pid: number): Promise<ProcessIdentity>;
  /**
   * /proc/PID/stat read synchronously (a few microseconds), or null when the pid is gone. Sync
   * so that a poller's failure is classified (exited or not) within the poller's callback, in
   * the order the poller reported it.
   */
  statNow(pid: number): ProcStat | null;
  readMaps(pid: number): Promise<Vma[]>;
  /** Mems_allowed_list: the nodes the process's cpuset lets it use. */
  readMemsAllowed(pid: number): Promise<number[]>;
  /** move_pages in query mode: per page, a node or a negative errno. */
  queryPages(pid: number, pages: BigUint64Array): Promise<Int32Array>;
  /**
   * The present pages of segments (migrator/present.ts), for plans of large ranges; null when
   * pagemap cannot be read. Left out, every page is asked about.
   */
  findPresentPages?(pid: number, segments: readonly AddressRange[], pageSize: number, signal?: AbortSignal): Promise<PresentPages | null>;
  /** Throws (code EPERM) when MPOL_MF_MOVE_ALL is not permitted. */
  checkMoveAllAllowed(pid: number): Promise<void>;
  moveRanges(request: MoveRequest, options: MoveOptions): Promise<MoveResult>;
  undoMove(plan: UndoPlan, options: MoveOptions): Promise<MoveResult>;
  /** Everything of a process on one node to another (migrate_pages), recorded for undo. */
  moveNode(request: NodeMoveRequest, options: MoveOptions): Promise<MoveResult>;
  /** `fullEvery`: polls between two full rescans (undefined: the Poller's default). */
  createPoller(pid: number, intervalMs: number, events: PollerEvents, pageSize: number, fullEvery?: number): PollerLike;
  newMoveId(): string;
  /** Written into every snapshot the service produces. */
  tool: SnapshotTool | null;
}

function statNow(pid: number): ProcStat | null {
  try {
    return parseStat(readFileSync(procPath(pid, 'stat'), 'utf8'));
  } catch {
    return null;
  }
}

export function defaultDeps(): ServiceDeps {
  return {
    readTopology: () => readTopology(),
    listProcesses,
    readSystemOverview: (topology) => readSystemOverview({ topology }),
    readIdentity,
    statNow,
    readMaps,
    readMemsAllowed: async (pid) => (await readStatus(pid)).memsAllowed,
    queryPages: async (pid, pages) => (await movePages(pid, pages, null, 0)).status,
    findPresentPages,
    checkMoveAllAllowed,
    moveRanges,
    undoMove,
    moveNode,
    createPoller: (pid, intervalMs, events, pageSize, fullEvery) =>
      new Poller(pid, intervalMs, events, fullEvery === undefined ? { pageSize, readThreads: readThreadTicks } : { pageSize, fullEvery, readThreads: readThreadTicks }),
    newMoveId: () => randomUUID(),
    tool: TOOL,
  };
}
