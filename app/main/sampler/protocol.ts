/** Messages between the main thread (pool.ts, scan.ts) and the sampler's worker thread (worker.ts). */
import type { StatusStoreData } from '../../common/status-store.js';
import type { ProcessIdentity, Vma, VmaKind } from '../../common/types.js';
import type { ChangeLogData } from './changes.js';
import type { ChangeSignals } from './change-signals.js';
import type { EngineStats, Strategy } from './engine.js';
import type { PollKind } from './rescan-plan.js';

export type StrategyChoice = 'auto' | Strategy;

/** A region of the previous scan; its varying blocks are written in place when SharedArrayBuffer-backed. */
export interface PreviousRegion {
  start: bigint;
  end: bigint;
  status: StatusStoreData;
}

/**
 * For a rescan: the process must still be this one, regions with unchanged bounds keep their
 * arrays (updated in place), and changes are recorded up to `changeCapacity`.
 */
export interface PreviousScan {
  identity: ProcessIdentity;
  regions: PreviousRegion[];
  changeCapacity: number;
}

/** What an incremental poll knows from the last one (the Poller keeps it between polls). */
export interface PollRequest {
  /** Presence bits per region of `previous` (same order; SharedArrayBuffer-backed), null where none. */
  presence: (Uint32Array | null)[];
  /** The signals read by the last poll; null before the first. */
  signals: ChangeSignals | null;
  /** The periodic full rescan is due (or was asked for). */
  dueFull: boolean;
  /** The periodic presence walk is due. */
  duePresence: boolean;
}

export interface PollReply {
  kind: PollKind;
  reason: string;
  /** Presence bits per region of the reply (same order as `vmas`), for the next poll. */
  presence: (Uint32Array | null)[];
  signals: ChangeSignals;
  /** Pages asked about again because their presence changed (kept regions of a presence poll). */
  presenceChangedPages: number;
}

export interface ScanRequest {
  type: 'scan';
  id: number;
  pid: number;
  pageSize: number;
  strategy: StrategyChoice;
  chunkPages: number;
  windowPages: number;
  adaptive: boolean;
  pipeline: boolean;
  /** The most pages held one by one over all regions (see HeldLimit in worker.ts). */
  maxHeldPages: number;
  /** Least time between two progress messages. */
  progressIntervalMs: number;
  skipKinds: readonly VmaKind[];
  previous: PreviousScan | null;
  /** Set by the Poller: track presence and signals, and rescan only what may have changed. */
  poll: PollRequest | null;
  /** Shared: [0] becomes non-zero when the scan is cancelled. */
  control: Int32Array;
}

export interface WorkerStats extends EngineStats {
  strategy: Strategy;
}

export interface ScanReply {
  type: 'done';
  id: number;
  identity: ProcessIdentity;
  vmas: Vma[];
  /** Per region: the index of the previous region whose store it kept, or -1. */
  kept: number[];
  /** Per region: its statuses (for a kept region, what its previous store takes over). */
  statuses: StatusStoreData[];
  stats: WorkerStats;
  changes: ChangeLogData | null;
  poll: PollReply | null;
}

export interface SerializedError {
  name: string;
  message: string;
  /** errno name, for ProcError and TargetChangedError. */
  code?: string;
  pid?: number;
  /** Set for NativeError. */
  syscall?: string;
  errno?: number;
}

export type WorkerReply =
  | { type: 'progress'; id: number; done: number; total: number }
  | ScanReply
  | { type: 'error'; id: number; aborted: boolean; error: SerializedError };
