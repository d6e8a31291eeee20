/** The shapes a move is asked for, reported through and answered with (move.ts runs it). */
import type { MoveCounts, MoveOutcome, MovePhase, ProcessIdentity, StatusCount } from '../../common/types.js';
import type { KnownSpan } from './known.js';
import type { AddressRange } from './plan.js';

export interface MoveRequest {
  pid: number;
  /** Address ranges, [start, end); they are page-aligned outwards and clipped to the mappings. */
  ranges: readonly AddressRange[];
  toNode: number;
  /** MPOL_MF_MOVE_ALL: also move pages shared with other processes (needs CAP_SYS_NICE). */
  moveAll?: boolean;
  /** The process the caller planned for; the move is refused if the pid now names another. */
  expectedIdentity?: ProcessIdentity;
}

export interface MoveProgress {
  phase: MovePhase;
  /** Pages done and in total in this phase. */
  done: number;
  total: number;
}

export interface MoveOptions {
  signal?: AbortSignal;
  onProgress?: (progress: MoveProgress) => void;
  /**
   * Pages per move_pages call, fixed. By default calls start at 1024 pages and grow while
   * nothing is contended, keeping each call near a time budget (see chunks.ts).
   */
  chunkPages?: number;
  /**
   * Place whole mappings from numa_maps instead of asking about each of their pages, when that
   * should be cheaper (default true; see known.ts). False asks about every page.
   */
  numaMaps?: boolean;
  /**
   * Find the present pages first (pagemap) and list, ask about and move only those: true
   * always, false never (every page of the ranges is listed), by default when the ranges map
   * at least PRESENCE_MIN_PAGES pages (see present.ts).
   */
  presence?: boolean;
  /** Extra rounds for pages that were busy (default 3). */
  busyRetries?: number;
  /** Delay before the first retry round, doubled each round (default 20 ms). */
  retryDelayMs?: number;
}

export type { MoveCounts, MoveOutcome, MovePhase, StatusCount };

/** Enough to put every moved page back where it was. */
export interface UndoPlan {
  identity: ProcessIdentity;
  flags: number;
  /** Pages that moved, ascending. */
  pages: BigUint64Array;
  /** Where each of them was before. */
  nodes: Int32Array;
}

export interface MoveResult {
  identity: ProcessIdentity;
  /** The node pages were sent to; null for an undo, which sends pages to several nodes. */
  toNode: number | null;
  flags: number;
  outcome: MoveOutcome;
  /** One line for people: what happened, and why it stopped if it did not complete. */
  message: string;
  /** The whole-call failure behind a 'failed' or 'exited' outcome. */
  error: { code: string; message: string } | null;
  pageSize: number;
  /** The page-aligned pieces of the request inside mappings; the per-page arrays cover their listed pages. */
  segments: AddressRange[];
  /**
   * The pages of the segments that were listed, ascending: every page, or when presence was
   * looked up first (see present.ts) those present when the move began.
   */
  pages: BigUint64Array;
  /** Per page, before the move: a node, or a negative errno (not present). */
  before: Int32Array;
  /**
   * Per page, after: the node it is on (moved, already there, or not attempted), or the
   * negative errno explaining why it is not on the target (failed or not present).
   */
  status: Int32Array;
  /**
   * Per segment, the status of its pages that were not listed (not present when the move
   * began); absent when every page was listed. statusRuns() puts the two together.
   */
  unlistedStatus?: Int32Array;
  counts: MoveCounts;
  /** Failed pages by errno, most pages first. */
  failures: StatusCount[];
  /** Pages that were not there to move, by errno. */
  notPresent: StatusCount[];
  undo: UndoPlan;
  /**
   * How the record of where pages were was made: pages asked about with a query, pages whose
   * place numa_maps gave whole (see known.ts), and the time of the query calls.
   */
  survey: { askedPages: number; knownPages: number; queryMs: number };
  durationMs: number;
}

/** A move planned down to its pages: what MoveRun (run.ts) carries out. */
export interface MoveJob {
  identity: ProcessIdentity;
  flags: number;
  toNode: number | null;
  pageSize: number;
  segments: AddressRange[];
  pages: BigUint64Array;
  targets: Int32Array;
  requested: number;
  unmapped: number;
  started: number;
  /** Pages whose place is known without a query (see known.ts). */
  knownSpans?: readonly KnownSpan[];
  /** Pages of the segments left out of `pages` as not present, per segment, with their status. */
  unlisted?: { pages: readonly number[]; status: Int32Array };
}
