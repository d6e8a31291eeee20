/**
 * The payload schema of every event channel (main -> renderer): the one source of each
 * event's TypeScript type (inferred here; app/common/ipc.ts's EVENT_CONTRACT names them).
 *
 * Main produces these payloads itself and does not run the schemas on the hot path (an
 * update per poll); tests run them on what the service really emits
 * (test/integration/serve/service.test.ts), so a declared type and the shape sent cannot
 * drift apart. Nothing here is imported at run time by the preload or the renderer: they
 * import types only.
 */
import * as v from 'valibot';
import { HEAT_SOURCES, memoryTierSchema, processSchema, snapshotNode, snapshotRun, toolSchema, totalsSchema, VMA_KINDS } from './snapshot/envelope.js';

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const integer = v.pipe(v.number(), v.safeInteger());
const status = integer;
const hexAddress = v.custom<`0x${string}`>((value) => typeof value === 'string' && /^0x[0-9a-fA-F]{1,16}$/.test(value));
const isoTime = v.pipe(v.string(), v.isoTimestamp());
const wireRange = v.strictObject({ start: hexAddress, end: hexAddress });
const share = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

export const wireErrorSchema = v.strictObject({
  /** errno name ('ESRCH', 'EPERM', ...) or a numascope code ('INVALID_REQUEST', 'IDENTITY_CHANGED', ...). */
  code: v.string(),
  /** One line, for people. */
  message: v.string(),
});

const runsTile = v.strictObject({ kind: v.literal('runs'), from: count, to: count, runs: v.array(integer) });
const binsTile = v.strictObject({
  kind: v.literal('bins'),
  from: count,
  to: count,
  pagesPerBin: count,
  /** The statuses that occur (node ids >= 0, errnos < 0), ascending. */
  statuses: v.array(status),
  counts: v.array(count),
});
export const placementTileSchema = v.variant('kind', [runsTile, binsTile]);

const summaryVma = v.strictObject({
  start: v.string(),
  end: v.string(),
  perms: v.string(),
  path: v.string(),
  name: v.string(),
  kind: v.picklist(VMA_KINDS),
  /** Pages per status, [pageCount, status], ascending by status. */
  counts: v.array(v.strictTuple([count, status])),
});

/** Everything about a placement except where each page is: the header, the regions and their totals. */
export const placementSummarySchema = v.strictObject({
  tool: v.nullable(toolSchema),
  takenAt: isoTime,
  kernel: v.string(),
  pageSize: count,
  process: processSchema,
  nodes: v.array(snapshotNode),
  withMemory: v.array(count),
  memoryTiers: v.array(memoryTierSchema),
  vmas: v.array(summaryVma),
  totals: totalsSchema,
  totalPages: count,
});

/**
 * What changed since the previous poll, computed as the snapshot diff of the two scans
 * (app/common/snapshot/diff.ts), so live counts and a comparison of two snapshots agree.
 */
const wireChanges = v.strictObject({
  /** Pages mapped in both scans whose status changed (exact). */
  total: count,
  /** Counts per (from, to) status pair (exact). */
  summary: v.array(v.strictObject({ from: status, to: status, pages: count })),
  /** Runs of changed pages in address order, for marking: the first CHANGE_RANGE_LIMIT of them. */
  ranges: v.array(v.strictObject({ start: hexAddress, pages: count, from: status, to: status })),
  /** How many runs there were: more than `ranges` holds when the list was cut. */
  rangesTotal: count,
  /** Pages of addresses mapped now and not in the previous scan, and the other way round. */
  newPages: count,
  gonePages: count,
});

const pollLocality = v.strictObject({
  share,
  /** 'threads': no thread used CPU time between the polls, so each thread counted alike. */
  basis: v.picklist(['cpu-time', 'threads']),
});

/** One heat interval just ended: how much of the process it saw used. */
const heatInterval = v.strictObject({
  /** Pages used in the interval (written, for soft-dirty), weighted by how much of it they were used (DAMON). */
  pages: v.pipe(v.number(), v.minValue(0)),
  /** Of the present pages of the latest poll; null before the first poll or without present pages. */
  share: v.nullable(share),
  source: v.picklist(HEAT_SOURCES),
  /** What the figure counts, in words ("writes only (soft-dirty)"). */
  label: v.string(),
  /** When the interval ended. */
  at: isoTime,
});

const placementUpdate = v.strictObject({
  /** Names the scan; windows and snapshots say which scan they come from. */
  sequence: count,
  /** The header, the regions and their per-status totals: sized by regions, not pages. */
  placement: placementSummarySchema,
  /** The whole layout, as runs when there are few, else in at most OVERVIEW_BINS bins. */
  overview: placementTileSchema,
  /** Null on the first scan of a process. */
  changes: v.nullable(wireChanges),
  scanMs: v.pipe(v.number(), v.minValue(0)),
  /**
   * The CPU-time-weighted share of the poll's present pages on the nodes the threads ran on
   * since the previous poll (app/main/advice/poll-locality.ts); null on the first poll, without
   * present pages, or when the threads could not be read.
   */
  locality: v.nullable(pollLocality),
});

/** The watched process is gone: its last picture stays readable (window, snapshot), nothing moves. */
const processExited = v.strictObject({
  pid: count,
  comm: v.string(),
  /** Start time of the process that exited, in clock ticks (as in MovePlanRequest). */
  startTime: count,
  /** When numascope noticed (ISO 8601): the exit happened between the last scan and this. */
  exitedAt: isoTime,
  /** The scan kept as its last picture, or null when it exited before its first scan. */
  sequence: v.nullable(count),
});

export const moveCountsSchema = v.strictObject({
  requested: count,
  unmapped: count,
  notPresent: count,
  alreadyOnTarget: count,
  toMove: count,
  moved: count,
  failed: count,
  notAttempted: count,
});

const moveStatusCount = v.strictObject({ status, code: v.string(), pages: count, reason: v.string() });

const wireMoveResult = v.strictObject({
  moveId: v.string(),
  outcome: v.picklist(['complete', 'cancelled', 'exited', 'failed']),
  message: v.string(),
  toNode: v.nullable(count),
  counts: moveCountsSchema,
  failures: v.array(moveStatusCount),
  /** The page-aligned pieces of the request inside mappings, and per page the final status as runs over them. */
  segments: v.array(wireRange),
  statusRuns: v.array(snapshotRun),
  durationMs: v.pipe(v.number(), v.minValue(0)),
  /** Whether `move:undo` can put the pages back. */
  undoable: v.boolean(),
});

/** Event channel -> payload schema. The channels are EVENT_CONTRACT's (a unit test holds them equal). */
export const EVENT_SCHEMAS = {
  'placement:update': placementUpdate,
  'placement:progress': v.strictObject({ pid: count, done: count, total: count }),
  /** The watched process became unreadable (not because it exited); watching stopped. */
  'placement:error': v.strictObject({ ...wireErrorSchema.entries, pid: count }),
  /** The watched process exited (or its pid now names another process); polling stopped. */
  'placement:exited': processExited,
  'move:progress': v.strictObject({ moveId: v.string(), phase: v.picklist(['query', 'move', 'retry']), done: count, total: count }),
  'move:done': wireMoveResult,
  /** A heat measurement's intervals done of those planned. */
  'heat:progress': v.strictObject({ pid: count, done: count, total: count, interval: v.optional(heatInterval) }),
} as const;

export type EventPayloads = { [E in keyof typeof EVENT_SCHEMAS]: v.InferOutput<(typeof EVENT_SCHEMAS)[E]> };

export type WireError = v.InferOutput<typeof wireErrorSchema>;
export type WireChanges = v.InferOutput<typeof wireChanges>;
export type PlacementUpdate = v.InferOutput<typeof placementUpdate>;
export type PollLocalityWire = v.InferOutput<typeof pollLocality>;
export type HeatIntervalWire = v.InferOutput<typeof heatInterval>;
export type ProcessExited = v.InferOutput<typeof processExited>;
export type MoveStatusCount = v.InferOutput<typeof moveStatusCount>;
export type WireMoveResult = v.InferOutput<typeof wireMoveResult>;
