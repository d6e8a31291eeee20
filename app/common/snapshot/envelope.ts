/**
 * The snapshot file's envelope as one valibot schema: everything but the per-page runs. It
 * is the single source of the file's TypeScript types (inferred below), of the reader's field
 * checks (validate.ts runs it) and of docs/snapshot.schema.json (generated from it by
 * scripts/snapshot-schema.mjs).
 *
 * What it leaves to validate.ts: the runs themselves (millions of pairs, checked by a
 * hand-written loop that also sums them) and the rules that relate fields to each other
 * (page alignment, sorted regions, unique node ids, totals equal to the runs), which JSON
 * Schema cannot say either.
 *
 * Each check's message is the text after the field's path (`process.pid: must be ...`);
 * validate.ts puts the path in front. Only known fields are read: unknown keys are dropped,
 * and the output is built from scratch, so nothing the file puts on a prototype survives.
 */
import { HEX_ADDRESS } from '../address.js';
import * as v from 'valibot';
import type { VmaKind } from '../types.js';
import { quote } from './error.js';
import { RunList, type SnapshotRuns } from './runs.js';
import { MAX_STATUS, MIN_STATUS, SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from './schema.js';

export const VMA_KINDS = ['heap', 'stack', 'thread-stack', 'vdso', 'vvar', 'vsyscall', 'file', 'anon', 'named-anon', 'shmem', 'hugetlb', 'special'] as const satisfies readonly VmaKind[];

/** MAX_NUMNODES is at most 1024; node ids in files are held to the status range. */
export const MAX_NODE = 4095;

export { HEX_ADDRESS };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mustBe(expectation: string): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => `must be ${expectation}, got ${quote(issue.input)}`;
}

/** An object (not an array, not null) with these fields; a missing required field is "missing". */
function record<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(v.custom<Json>(isObject, mustBe('an object')), v.object(entries, 'missing'));
}

function list<TItem extends v.GenericSchema>(item: TItem) {
  return v.array(item, mustBe('an array'));
}

function text() {
  return v.string(mustBe('a string'));
}

function matching(pattern: RegExp, expectation: string) {
  const message = (issue: v.BaseIssue<unknown>): string => `${expectation}, got ${quote(issue.input)}`;
  return v.pipe(v.string(message), v.regex(pattern, message));
}

/** A safe integer in [min, max]; JSON's -0 comes out as 0, as every other reader sees it. */
function integer(min = 0, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : `an integer >= ${min}`) : `an integer in [${min}, ${max}]`;
  const message = mustBe(range);
  return v.pipe(
    v.number(message),
    v.safeInteger(message),
    v.minValue(min, message),
    v.maxValue(max, message),
    v.transform((value) => (value === 0 ? 0 : value)),
  );
}

const hexAddress = () => matching(HEX_ADDRESS, 'must be a hex address string like "0x7f0000000000"');

/** The name and kind numascope would give a mapping with this /proc/PID/maps path. */
export function describeMapping(path: string): { name: string; kind: VmaKind } {
  if (path === '') return { name: 'anonymous', kind: 'anon' };
  const fixed: Record<string, VmaKind> = { '[heap]': 'heap', '[stack]': 'stack', '[vdso]': 'vdso', '[vvar]': 'vvar', '[vsyscall]': 'vsyscall' };
  const kind = Object.hasOwn(fixed, path) ? fixed[path] : undefined;
  if (kind !== undefined) return { name: path, kind };
  if (path.startsWith('[stack:')) return { name: path, kind: 'thread-stack' };
  if (path.startsWith('[anon:') || path.startsWith('[anon_shmem:')) return { name: path, kind: 'named-anon' };
  if (path.startsWith('/dev/zero') || path.startsWith('/SYSV') || path.startsWith('/memfd:') || path.startsWith('/dev/shm/')) {
    return { name: path.slice(path.lastIndexOf('/') + 1) || path, kind: 'shmem' };
  }
  if (path.startsWith('/anon_hugepage') || path.startsWith('/dev/hugepages/')) return { name: path, kind: 'hugetlb' };
  if (path.startsWith('/')) return { name: path.slice(path.lastIndexOf('/') + 1) || path, kind: 'file' };
  return { name: path, kind: 'special' };
}

/**
 * One run: `pageCount` consecutive pages that all have `status` (a node id or a negative
 * errno). The reader checks runs with a hand-written loop (validate.ts) that applies these
 * same rules; this schema gives the type and the JSON Schema, and a unit test holds the two
 * to the same answers.
 */
export const snapshotRun = v.strictTuple(
  [v.pipe(v.number(), v.safeInteger(), v.minValue(1)), v.pipe(v.number(), v.integer(), v.minValue(MIN_STATUS), v.maxValue(MAX_STATUS))],
  'must be a [pageCount, status] pair',
);

/** A region's runs, held as the reader holds them: plain pairs or, when long, a RunList. */
export const snapshotRuns = v.custom<SnapshotRuns>((value) => Array.isArray(value) || value instanceof RunList, mustBe('an array'));

export const toolSchema = record({ name: text(), version: text() });

export const processSchema = record({
  pid: integer(1),
  comm: text(),
  cmdline: list(text()),
  /** Field 22 of /proc/PID/stat, clock ticks after boot. */
  startTime: integer(),
});

export const snapshotNode = v.pipe(
  record({
    id: integer(0, MAX_NODE),
    cpus: list(integer()),
    /** Bytes, from /sys/devices/system/node/nodeN/meminfo. */
    memTotal: integer(),
    /** Bytes, when the topology was read. */
    memFree: integer(),
    /** Distance to every node of the list, in its order. */
    distances: list(integer()),
    /** Memory-only node (CXL expander, HBM, device memory exposed as a node); defaults to having no CPUs. */
    cpuless: v.optional(v.boolean(mustBe('true or false'))),
    /** Memory tier id (/sys/devices/virtual/memory_tiering) when the kernel exposes tiers. */
    memoryTier: v.optional(v.nullable(integer()), null),
  }),
  v.transform((node) => ({ ...node, cpuless: node.cpuless ?? node.cpus.length === 0 })),
);

export const memoryTierSchema = record({ id: integer(), nodes: list(integer(0, MAX_NODE)) });

const snapshotVma = v.pipe(
  record({
    /** Hex with a 0x prefix, page aligned; the region is [start, end). */
    start: hexAddress(),
    end: hexAddress(),
    /** As in /proc/PID/maps, e.g. "rw-p". */
    perms: matching(/^[r-][w-][x-][ps]$/, 'must look like "rw-p"'),
    /** File offset, hex. */
    offset: v.optional(hexAddress(), '0x0'),
    dev: v.optional(matching(/^[0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,8}$/, 'must look like "fd:01"'), '00:00'),
    inode: v.optional(integer(), 0),
    /** As /proc/PID/maps prints it; '' for plain anonymous memory. */
    path: text(),
    /** Derived from `path` when absent. */
    name: v.optional(text()),
    kind: v.optional(v.picklist(VMA_KINDS, mustBe(`one of ${VMA_KINDS.join(', ')}`))),
    /** Run-length encoded status, in address order; lengths sum to (end - start) / pageSize. */
    runs: snapshotRuns,
  }),
  v.transform((vma) => {
    const derived = describeMapping(vma.path);
    return { ...vma, name: vma.name ?? derived.name, kind: vma.kind ?? derived.kind };
  }),
);

/** Node ids 0..4095 and errnos -1..-4095, spelled as JSON object keys. */
const NODE_KEY = /^(0|[1-9]\d{0,2}|[1-3]\d{3}|40[0-8]\d|409[0-5])$/;
const ERRNO_KEY = /^-([1-9]\d{0,2}|[1-3]\d{3}|40[0-8]\d|409[0-5])$/;

/** Pages per status; every key is checked first, "__proto__" included (a record skips it). */
function counts(key: RegExp, noun: string) {
  return v.pipe(
    v.custom<Json>(isObject, mustBe('an object')),
    v.check(
      (value) => Object.keys(value).every((k) => key.test(k)),
      (issue) => `key ${quote(Object.keys(issue.input as Json).find((k) => !key.test(k)))} is not ${noun}`,
    ),
    v.record(v.pipe(v.string(), v.regex(key)), integer()),
  );
}

export const totalsSchema = record({
  /** Pages per node id (status >= 0). */
  byNode: counts(NODE_KEY, 'a node id'),
  /** Pages per negative status (errno). Only statuses that occur have a key. */
  byStatus: counts(ERRNO_KEY, 'a negative errno'),
});

/** Version of the optional `heat` section; it changes on its own, without the file's version. */
export const HEAT_SECTION_VERSION = 1;
export const HEAT_SOURCES = ['damon', 'soft-dirty'] as const;

const share = () => {
  const message = mustBe('a number from 0 to 1');
  return v.pipe(v.number(message), v.minValue(0, message), v.maxValue(1, message));
};

const heatRange = v.pipe(
  record({
    start: hexAddress(),
    end: hexAddress(),
    /** Share of the sampled intervals in which the range was used (written, for soft-dirty). */
    heat: share(),
    /** DAMON's age in aggregation intervals; null for soft-dirty. */
    age: v.optional(v.nullable(integer()), null),
  }),
  v.check((range) => BigInt(range.end) > BigInt(range.start), (issue) => `end must lie after start, got ${quote(issue.input)}`),
);

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const takenAtMessage = mustBe('an ISO 8601 time with a time zone like "2025-01-31T12:00:00.000Z"');

function isoTime() {
  return v.pipe(v.string(takenAtMessage), v.regex(ISO_TIME, takenAtMessage), v.check((value) => Number.isFinite(Date.parse(value)), takenAtMessage));
}

/**
 * A heat measurement of the process (app/common/heat.ts), kept with the placement it was shown
 * with: what measured it and when, and the ranges it saw used. Optional: most files have none.
 */
export const heatSectionSchema = record({
  version: v.literal(HEAT_SECTION_VERSION, `must be ${HEAT_SECTION_VERSION}`),
  source: v.picklist(HEAT_SOURCES, mustBe(`one of ${HEAT_SOURCES.join(', ')}`)),
  /** In words: "writes only (soft-dirty)" or "accesses (DAMON)". */
  label: text(),
  /** How fine the ranges are, in words. */
  resolution: text(),
  intervalMs: integer(1),
  samples: integer(),
  startedAt: isoTime(),
  /** The end of the window measured. */
  measuredAt: isoTime(),
  /** Address order; ranges never seen used are left out. */
  ranges: list(heatRange),
});

const headEntries = {
    format: v.literal(SNAPSHOT_FORMAT, `must be "${SNAPSHOT_FORMAT}"`),
    version: v.literal(SNAPSHOT_VERSION, `must be ${SNAPSHOT_VERSION}`),
    /** The program that wrote the file; null when unknown. */
    tool: v.optional(v.nullable(toolSchema), null),
    /** ISO 8601 with a time zone, e.g. "2025-03-01T12:00:00.000Z". */
    takenAt: isoTime(),
    /** uname -r of the machine the snapshot was taken on. */
    kernel: text(),
    /** Bytes per page of the statuses (the base page size, not a huge page size). */
    pageSize: v.pipe(
      integer(1024, 2 ** 30),
      v.check((size) => (size & (size - 1)) === 0, (issue) => `must be a power of two, got ${quote(issue.input)}`),
    ),
    process: processSchema,
    nodes: list(snapshotNode),
    /** Defaults to the ids of nodes with memTotal > 0. */
    withMemory: v.optional(list(integer(0, MAX_NODE))),
    memoryTiers: v.optional(list(memoryTierSchema), () => []),
    vmas: list(snapshotVma),
    /** The heat measured with this placement, when there was one (HEAT_SECTION_VERSION). */
    heat: v.optional(heatSectionSchema),
};

/** Without `withMemory`, the nodes that have memory. */
function withMemoryFilled<T extends { nodes: { id: number; memTotal: number }[]; withMemory?: number[] | undefined }>(file: T): Omit<T, 'withMemory'> & { withMemory: number[] } {
  return { ...file, withMemory: file.withMemory ?? file.nodes.filter((node) => node.memTotal > 0).map((node) => node.id) };
}

/** The whole envelope: the file's types and its JSON Schema come from this. */
export const snapshotEnvelope = v.pipe(record({ ...headEntries, totals: totalsSchema }), v.transform(withMemoryFilled));

/**
 * The same envelope in the two parts the reader checks, in the order it checks them: every
 * field but the totals, then (after the runs have been summed, so that a bad run is reported
 * as such and not as the totals it spoils) the totals.
 */
export const snapshotHead = v.pipe(record(headEntries), v.transform(withMemoryFilled));
export const snapshotTotals = record({ totals: totalsSchema });



/** A snapshot file as it may be written: the optional fields may be absent. */
export type SnapshotFileInput = v.InferInput<typeof snapshotEnvelope>;
/** A snapshot file as read: every field present, defaults filled in. */
export type SnapshotFile = v.InferOutput<typeof snapshotEnvelope>;
export type SnapshotRun = v.InferOutput<typeof snapshotRun>;
export type SnapshotTool = v.InferOutput<typeof toolSchema>;
export type SnapshotProcess = v.InferOutput<typeof processSchema>;
/** A NUMA node as the topology reader and the file both describe it (types.ts's NumaNode). */
export type SnapshotNode = v.InferOutput<typeof snapshotNode>;
export type SnapshotMemoryTier = v.InferOutput<typeof memoryTierSchema>;
export type SnapshotVma = v.InferOutput<typeof snapshotVma>;
export type SnapshotTotals = v.InferOutput<typeof totalsSchema>;
export type HeatSection = v.InferOutput<typeof heatSectionSchema>;
