/**
 * The one contract between the renderer and the main process (Electron IPC) or the
 * serve-mode server (HTTP + server-sent events). Every message is plain JSON: addresses
 * are "0x.." strings and per-page data travels run-length encoded, so the same types
 * work over both transports and can be validated at the boundary.
 *
 * One map per direction is the source of truth: REQUEST_CONTRACT gives, per request channel,
 * the request's schema (its TypeScript type is inferred from it, main validates with it,
 * app/common/ipc-validate.ts) and the response's type; EVENT_CONTRACT gives each event's
 * payload type, inferred from its schema in app/common/ipc-events.ts. The channel types and
 * lists are derived from the two maps, so a channel cannot be in one and missing from another.
 *
 * Placement travels at the resolution the views draw, never page by page for the whole
 * process on every poll: each update carries the regions with their totals and an overview
 * tile (app/common/placement-tiles.ts), and the renderer asks for the part it shows in more
 * detail ('placement:window'). The full snapshot is sent only when asked for
 * ('placement:snapshot': export, compare).
 */
import * as v from 'valibot';
import { HEAT_CHOICES, type WireHeatReport } from './heat.js';
import type { EventPayloads, WireError } from './ipc-events.js';
import { MAX_WINDOW_BINS, type PlacementTile } from './placement-tiles.js';
import type { SnapshotFile } from './snapshot/schema.js';
import type { SystemOverview } from './system-overview.js';
import type { ProcessIdentity, ProcessSummary, Topology } from './types.js';
import { addressRange, boolean, boundedList, clause, identifier, integer, noRequest, oneOf, strictRecord, subject, type HexAddress } from './wire-schema.js';

export type { HexAddress };
// Event payloads are inferred from their schemas (ipc-events.ts); imported as types only, so
// the schemas never reach the preload bundle.
export type { EventPayloads, HeatIntervalWire, MoveStatusCount, PlacementUpdate, PollLocalityWire, ProcessExited, WireChanges, WireError, WireMoveResult } from './ipc-events.js';

export const REQUEST_LIMITS = {
  /** PID_MAX_LIMIT on 64-bit Linux (include/linux/threads.h). */
  maxPid: 4_194_304,
  minIntervalMs: 100,
  maxIntervalMs: 3_600_000,
  /** Polls between two full rescans of a watched process (the sampler's backstop). */
  maxFullEvery: 1_000_000,
  /** MAX_NUMNODES is at most 1024. */
  maxNode: 1023,
  maxRanges: 4096,
  /** Move ids are ours (see the service); anything longer or stranger is not one. */
  maxMoveIdLength: 64,
  /** Layout pages: 2^52 pages of 4 KiB is more address space than any CPU has. */
  maxLayoutPage: 2 ** 52,
  maxWindowBins: MAX_WINDOW_BINS,
  /** A heat measurement's window, as `numascope advise --seconds` takes it. */
  maxHeatSeconds: 3600,
  minHeatIntervalMs: 100,
  maxHeatIntervalMs: 60_000,
} as const;

const pid = integer(1, REQUEST_LIMITS.maxPid);
const intervalMs = integer(REQUEST_LIMITS.minIntervalMs, REQUEST_LIMITS.maxIntervalMs);

const wireRange = addressRange();
export type WireRange = v.InferOutput<typeof wireRange>;

const watchRequest = strictRecord({
  pid,
  /** Poll period in ms. */
  intervalMs,
  /**
   * Every this many polls, every page is asked about again (1: every poll); the polls between
   * rescan only what the kernel's change signals point at. Default: the server's setting.
   */
  fullEvery: v.optional(integer(1, REQUEST_LIMITS.maxFullEvery)),
});
export type WatchRequest = v.InferOutput<typeof watchRequest>;

const pollingRequest = strictRecord({ paused: v.optional(boolean()), intervalMs: v.optional(intervalMs) });
export type PollingRequest = v.InferOutput<typeof pollingRequest>;

const movePlanRequest = strictRecord({
  pid,
  /** Start time of the process the user is looking at (refused if the pid was reused). */
  startTime: integer(0, Number.MAX_SAFE_INTEGER),
  ranges: boundedList(wireRange, 'range', '{start, end}', REQUEST_LIMITS.maxRanges),
  toNode: integer(0, REQUEST_LIMITS.maxNode),
  moveAll: boolean(),
});
export type MovePlanRequest = v.InferOutput<typeof movePlanRequest>;

/** Everything of the process on `fromNode` to `toNode` (migrate_pages); confirmed and undone like a range move. */
const nodeMoveRequest = v.pipe(
  strictRecord({
    pid,
    startTime: integer(0, Number.MAX_SAFE_INTEGER),
    fromNode: integer(0, REQUEST_LIMITS.maxNode),
    toNode: integer(0, REQUEST_LIMITS.maxNode),
  }),
  v.check(({ fromNode, toNode }) => fromNode !== toNode, (issue) => {
    const { fromNode } = issue.input as { fromNode: number };
    return clause(`toNode must differ from fromNode ${fromNode}`);
  }),
);
export type NodeMoveRequest = v.InferOutput<typeof nodeMoveRequest>;

/** Layout pages [from, to) of the latest scan, in bins of `pagesPerBin` unless runs are fewer (a TileRequest). */
const windowRequest = v.pipe(
  strictRecord({
    from: integer(0, REQUEST_LIMITS.maxLayoutPage - 1),
    to: integer(1, REQUEST_LIMITS.maxLayoutPage),
    pagesPerBin: integer(1, REQUEST_LIMITS.maxLayoutPage),
  }),
  v.check(({ from, to }) => to > from, (issue) => {
    const { from, to } = issue.input as { from: number; to: number };
    return clause(`to ${to} must lie after from ${from}`);
  }),
  // The answer is sized by this, so it is the one limit that keeps answers small.
  v.check(({ from, to, pagesPerBin }) => binsOf(from, to, pagesPerBin) <= REQUEST_LIMITS.maxWindowBins, (issue) => {
    const { from, to, pagesPerBin } = issue.input as { from: number; to: number; pagesPerBin: number };
    return subject(`asks for ${binsOf(from, to, pagesPerBin)} bins, more than the ${REQUEST_LIMITS.maxWindowBins} allowed: raise pagesPerBin`);
  }),
);
export type WindowRequest = v.InferOutput<typeof windowRequest>;

function binsOf(from: number, to: number, pagesPerBin: number): number {
  return Math.ceil((to - from) / pagesPerBin);
}

const heatRequest = strictRecord({
  pid,
  /** Start time of the process shown (refused if the pid was reused); only the watched process is measured. */
  startTime: integer(0, Number.MAX_SAFE_INTEGER),
  /** Length of the window, whole seconds. */
  seconds: integer(1, REQUEST_LIMITS.maxHeatSeconds),
  /** One sampling interval. */
  intervalMs: integer(REQUEST_LIMITS.minHeatIntervalMs, REQUEST_LIMITS.maxHeatIntervalMs),
  /** 'auto' is soft-dirty; DAMON runs only when asked for, as on the command line. */
  source: oneOf(HEAT_CHOICES),
});
export type HeatRequest = v.InferOutput<typeof heatRequest>;

const moveIdRequest = strictRecord({ moveId: identifier('a move id', REQUEST_LIMITS.maxMoveIdLength) });
export type MoveIdRequest = v.InferOutput<typeof moveIdRequest>;

/** Handlers return errors as values: only `message` would survive a thrown error across IPC. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };

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
  /** Present pages of the selection per node, ascending by node. */
  pagesByNode: [node: number, pages: number][];
  /**
   * The nodes worth offering as targets: with memory, allowed by the process's cpuset, and
   * not holding every present page of the selection already. Ascending.
   */
  targets: number[];
  /** Why `targets` is empty, in words; null when it is not. */
  noTargetReason: string | null;
}

/** What the dialog shows before a whole node's pages move (migrate_pages). */
export interface NodeMovePlan {
  fromNode: number;
  toNode: number;
  /** Pages of the process on the source node, from the latest scan (or numa_maps). */
  pagesOnSource: number;
  bytesOnSource: number;
  targetFreeBytes: number;
  allowed: boolean;
  reason: string | null;
  /** Nodes the source's pages may go to (with memory, in the cpuset, not the source). */
  targets: number[];
  noTargetReason: string | null;
}

export interface PlacementWindow {
  /** The scan answered from: the latest one, which may be newer than the renderer's. */
  sequence: number;
  tile: PlacementTile;
}

export interface PlacementSnapshot {
  sequence: number;
  snapshot: SnapshotFile;
}

/** A type the contract names but nobody validates: what main sends (responses, events) is its own. */
export interface Declared<T> {
  readonly declared?: T;
}

function declared<T>(): Declared<T> {
  return {};
}

/**
 * Request channels: name -> the request's schema and the response's type. Adding a channel
 * is adding an entry here (docs/architecture.md, "Contracts").
 */
export const REQUEST_CONTRACT = {
  'system:topology': { request: noRequest(), response: declared<Topology>() },
  'process:list': { request: noRequest(), response: declared<ProcessSummary[]>() },
  /** Every process with its memory per node (numa_maps totals), the nodes and the cgroups: the system view. */
  'system:overview': { request: noRequest(), response: declared<SystemOverview>() },
  /** Start following a process (stops following any other); placement arrives as events. */
  'process:watch': { request: watchRequest, response: declared<ProcessIdentity>() },
  'process:unwatch': { request: noRequest(), response: declared<null>() },
  'process:polling': { request: pollingRequest, response: declared<{ paused: boolean; intervalMs: number }>() },
  /** Part of the watched process's latest scan at a given resolution (what a zoomed view draws). */
  'placement:window': { request: windowRequest, response: declared<PlacementWindow>() },
  /** The watched process's latest scan in full, as a snapshot file (export, compare). */
  'placement:snapshot': { request: noRequest(), response: declared<PlacementSnapshot>() },
  'move:plan': { request: movePlanRequest, response: declared<MovePlan>() },
  /** Starts a move; progress and the result arrive as events tagged with the returned id. */
  'move:start': { request: movePlanRequest, response: declared<{ moveId: string }>() },
  /** Plans and starts moving everything of the watched process on one node to another. */
  'move:node-plan': { request: nodeMoveRequest, response: declared<NodeMovePlan>() },
  'move:node-start': { request: nodeMoveRequest, response: declared<{ moveId: string }>() },
  'move:cancel': { request: moveIdRequest, response: declared<null>() },
  'move:undo': { request: moveIdRequest, response: declared<{ moveId: string }>() },
  /**
   * Measures the watched process's heat over a window beside polling and answers when it ends
   * (progress as 'heat:progress'), with the advice it leads to; one at a time.
   */
  'heat:measure': { request: heatRequest, response: declared<WireHeatReport>() },
  /** Stops the running measurement: its 'heat:measure' answers CANCELLED. */
  'heat:cancel': { request: noRequest(), response: declared<null>() },
} as const satisfies Record<string, { request: v.GenericSchema; response: Declared<unknown> }>;

/**
 * Events pushed from main to the renderer: name -> payload type, each inferred from its
 * schema in EVENT_SCHEMAS (app/common/ipc-events.ts).
 */
export const EVENT_CONTRACT = {
  'placement:update': declared<EventPayloads['placement:update']>(),
  'placement:progress': declared<EventPayloads['placement:progress']>(),
  /** The watched process became unreadable (not because it exited); watching stopped. */
  'placement:error': declared<EventPayloads['placement:error']>(),
  /** The watched process exited (or its pid now names another process); polling stopped. */
  'placement:exited': declared<EventPayloads['placement:exited']>(),
  'move:progress': declared<EventPayloads['move:progress']>(),
  'move:done': declared<EventPayloads['move:done']>(),
  'heat:progress': declared<EventPayloads['heat:progress']>(),
} as const satisfies { [E in keyof EventPayloads]: Declared<EventPayloads[E]> };

type DeclaredType<D> = D extends Declared<infer T> ? T : never;

/** Request channels: name -> request and response types. */
export type RequestChannels = {
  [C in keyof typeof REQUEST_CONTRACT]: {
    request: v.InferOutput<(typeof REQUEST_CONTRACT)[C]['request']>;
    response: DeclaredType<(typeof REQUEST_CONTRACT)[C]['response']>;
  };
};

/** Events pushed from main to the renderer. */
export type EventChannels = { [E in keyof typeof EVENT_CONTRACT]: DeclaredType<(typeof EVENT_CONTRACT)[E]> };

export type RequestChannel = keyof RequestChannels;
export type EventChannel = keyof EventChannels;
export type RequestOf<C extends RequestChannel> = RequestChannels[C]['request'];
export type ResponseOf<C extends RequestChannel> = RequestChannels[C]['response'];

function channelsOf<K extends string>(contract: Record<K, unknown>): readonly K[] {
  return Object.freeze(Object.keys(contract) as K[]);
}

export const REQUEST_CHANNELS: readonly RequestChannel[] = channelsOf(REQUEST_CONTRACT);
export const EVENT_CHANNELS: readonly EventChannel[] = channelsOf(EVENT_CONTRACT);

/** What the renderer talks to, whatever carries the messages (preload API or HTTP). */
export interface Transport {
  request<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  /** Returns an unsubscribe function. */
  subscribe<E extends EventChannel>(channel: E, listener: (payload: EventChannels[E]) => void): () => void;
}
