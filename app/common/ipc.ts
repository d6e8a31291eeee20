/**
 * The one contract between the renderer and the main process (Electron IPC) or the
 * serve-mode server (HTTP + server-sent events). Every message is plain JSON: addresses
 * are "0x.." strings and per-page data travels run-length encoded, so the same types
 * work over both transports and can be validated at the boundary.
 *
 * Placement travels at the resolution the views draw, never page by page for the whole
 * process on every poll: each update carries the regions with their totals and an overview
 * tile (app/common/placement-tiles.ts), and the renderer asks for the part it shows in more
 * detail ('placement:window'). The full snapshot is sent only when asked for
 * ('placement:snapshot': export, compare).
 */
import type { PlacementSummary, PlacementTile, TileRequest } from './placement-tiles.js';
import type { SnapshotFile, SnapshotRun } from './snapshot/schema.js';
import type { MoveCounts, ProcessIdentity, ProcessSummary, Topology } from './types.js';

export type HexAddress = `0x${string}`;

export interface WireRange {
  start: HexAddress;
  end: HexAddress;
}

export interface WireError {
  /** errno name ('ESRCH', 'EPERM', ...) or a numascope code ('INVALID_REQUEST', 'IDENTITY_CHANGED', ...). */
  code: string;
  /** One line, for people. */
  message: string;
}

/** Handlers return errors as values: only `message` would survive a thrown error across IPC. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };

export interface WatchRequest {
  pid: number;
  /** Poll period in ms (>= 100). */
  intervalMs: number;
}

export interface PollingRequest {
  paused?: boolean;
  intervalMs?: number;
}

export interface MovePlanRequest {
  pid: number;
  /** Start time of the process the user is looking at (refused if the pid was reused). */
  startTime: number;
  ranges: WireRange[];
  toNode: number;
  moveAll: boolean;
}

/** What the confirmation dialog shows before anything moves. */
export interface MovePlan {
  /** Mapped pages in the ranges. */
  pages: number;
  bytes: number;
  /** Present pages not yet on the target node, i.e. what would move. */
  pagesToMove: number;
  alreadyOnTarget: number;
  notPresent: number;
  targetNode: number;
  targetFreeBytes: number;
  /** Whether the target process may use the node (Mems_allowed_list), and why not. */
  allowed: boolean;
  reason: string | null;
}

export interface MoveStatusCount {
  status: number;
  code: string;
  pages: number;
  reason: string;
}

export interface WireMoveResult {
  moveId: string;
  outcome: 'complete' | 'cancelled' | 'exited' | 'failed';
  message: string;
  toNode: number | null;
  counts: MoveCounts;
  failures: MoveStatusCount[];
  /** The page-aligned pieces of the request inside mappings, and per page the final status as runs over them. */
  segments: WireRange[];
  statusRuns: SnapshotRun[];
  durationMs: number;
  /** Whether `move:undo` can put the pages back. */
  undoable: boolean;
}

export interface WireChanges {
  /** Pages whose status changed since the previous poll. */
  total: number;
  /** Counts per (from, to) status pair. */
  summary: { from: number; to: number; pages: number }[];
  /** The first changed pages' addresses (capped), for highlighting. */
  sample: { address: HexAddress; from: number; to: number }[];
}

export interface PlacementUpdate {
  /** Names the scan; windows and snapshots say which scan they come from. */
  sequence: number;
  /** The header, the regions and their per-status totals: sized by regions, not pages. */
  placement: PlacementSummary;
  /** The whole layout, as runs when there are few, else in at most OVERVIEW_BINS bins. */
  overview: PlacementTile;
  /** Null on the first scan of a process. */
  changes: WireChanges | null;
  scanMs: number;
}

/** Layout pages [from, to) of the latest scan, in bins of `pagesPerBin` unless runs are fewer. */
export type WindowRequest = TileRequest;

export interface PlacementWindow {
  /** The scan answered from: the latest one, which may be newer than the renderer's. */
  sequence: number;
  tile: PlacementTile;
}

export interface PlacementSnapshot {
  sequence: number;
  snapshot: SnapshotFile;
}

/** The watched process is gone: its last picture stays readable (window, snapshot), nothing moves. */
export interface ProcessExited {
  pid: number;
  comm: string;
  /** Start time of the process that exited, in clock ticks (as in MovePlanRequest). */
  startTime: number;
  /** When numascope noticed (ISO 8601): the exit happened between the last scan and this. */
  exitedAt: string;
  /** The scan kept as its last picture, or null when it exited before its first scan. */
  sequence: number | null;
}

/** Request channels: name -> request and response types. */
export interface RequestChannels {
  'system:topology': { request: null; response: Topology };
  'process:list': { request: null; response: ProcessSummary[] };
  /** Start following a process (stops following any other); placement arrives as events. */
  'process:watch': { request: WatchRequest; response: ProcessIdentity };
  'process:unwatch': { request: null; response: null };
  'process:polling': { request: PollingRequest; response: { paused: boolean; intervalMs: number } };
  /** Part of the watched process's latest scan at a given resolution (what a zoomed view draws). */
  'placement:window': { request: WindowRequest; response: PlacementWindow };
  /** The watched process's latest scan in full, as a snapshot file (export, compare). */
  'placement:snapshot': { request: null; response: PlacementSnapshot };
  'move:plan': { request: MovePlanRequest; response: MovePlan };
  /** Starts a move; progress and the result arrive as events tagged with the returned id. */
  'move:start': { request: MovePlanRequest; response: { moveId: string } };
  'move:cancel': { request: { moveId: string }; response: null };
  'move:undo': { request: { moveId: string }; response: { moveId: string } };
}

/** Events pushed from main to the renderer. */
export interface EventChannels {
  'placement:update': PlacementUpdate;
  'placement:progress': { pid: number; done: number; total: number };
  /** The watched process became unreadable (not because it exited); watching stopped. */
  'placement:error': WireError & { pid: number };
  /** The watched process exited (or its pid now names another process); polling stopped. */
  'placement:exited': ProcessExited;
  'move:progress': { moveId: string; phase: 'query' | 'move' | 'retry'; done: number; total: number };
  'move:done': WireMoveResult;
}

export type RequestChannel = keyof RequestChannels;
export type EventChannel = keyof EventChannels;
export type RequestOf<C extends RequestChannel> = RequestChannels[C]['request'];
export type ResponseOf<C extends RequestChannel> = RequestChannels[C]['response'];

export const REQUEST_CHANNELS: readonly RequestChannel[] = [
  'system:topology',
  'process:list',
  'process:watch',
  'process:unwatch',
  'process:polling',
  'placement:window',
  'placement:snapshot',
  'move:plan',
  'move:start',
  'move:cancel',
  'move:undo',
];

export const EVENT_CHANNELS: readonly EventChannel[] = ['placement:update', 'placement:progress', 'placement:error', 'placement:exited', 'move:progress', 'move:done'];

/** What the renderer talks to, whatever carries the messages (preload API or HTTP). */
export interface Transport {
  request<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  /** Returns an unsubscribe function. */
  subscribe<E extends EventChannel>(channel: E, listener: (payload: EventChannels[E]) => void): () => void;
}
