/**
 * Checks an untrusted parsed JSON value against the snapshot schema and returns a fresh,
 * normalized SnapshotFile. Every refusal names the offending field by its path
 * (`vmas[3].runs[7]: ...`).
 *
 * Rules that keep hostile input harmless:
 * - only known fields are read, and only own properties (a "__proto__" or "toString" key
 *   in the file is never mistaken for a field, and unknown keys are dropped);
 * - the result is built from scratch, so nothing from the input's prototype chain leaks;
 * - numbers must be safe integers, so 1e400 or 2^60 never turn into wrong counts;
 * - nothing is allocated per page, and the number of runs is capped (DEFAULT_MAX_RUNS).
 */
import { hex, isHexAddress } from '../address.js';
import type { VmaKind } from '../types.js';
import { SnapshotError, quote } from './error.js';
import {
  DEFAULT_MAX_RUNS,
  MAX_STATUS,
  MIN_STATUS,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type SnapshotFile,
  type SnapshotMemoryTier,
  type SnapshotNode,
  type SnapshotProcess,
  type SnapshotTool,
  type SnapshotTotals,
  type SnapshotVma,
} from './schema.js';
import { RunList, type SnapshotRuns } from './runs.js';

type Json = Record<string, unknown>;

export const VMA_KINDS: readonly VmaKind[] = ['heap', 'stack', 'thread-stack', 'vdso', 'vvar', 'vsyscall', 'file', 'anon', 'named-anon', 'shmem', 'hugetlb', 'special'];
const MAX_NODE = 4095;

function fail(path: string, message: string): never {
  throw new SnapshotError(`${path}: ${message}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function get(object: Json, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function required(object: Json, key: string, path: string): unknown {
  const value = get(object, key);
  if (value === undefined) fail(join(path, key), 'missing');
  return value;
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) fail(path, `must be an object, got ${quote(value)}`);
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be an array, got ${quote(value)}`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, `must be a string, got ${quote(value)}`);
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, `must be true or false, got ${quote(value)}`);
  return value;
}

function integer(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : `an integer >= ${min}`) : `an integer in [${min}, ${max}]`;
    fail(path, `must be ${range}, got ${quote(value)}`);
  }
  // JSON's -0 is 0 to every reader and is written back as 0.
  return value === 0 ? 0 : value;
}

function integers(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number[] {
  return array(value, path).map((item, i) => integer(item, `${path}[${i}]`, min, max));
}

export function parseHex(value: unknown, path: string): bigint {
  if (!isHexAddress(value)) fail(path, `must be a hex address string like "0x7f0000000000", got ${quote(value)}`);
  return BigInt(value);
}

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

export interface ValidateOptions {
  /** Most runs over all regions (default DEFAULT_MAX_RUNS). */
  maxRuns?: number;
  /** Most pages over all regions (default 2^53 - 1, so page sums stay exact). */
  maxPages?: number;
}

export function validateSnapshot(value: unknown, options: ValidateOptions = {}): SnapshotFile {
  // Clamped so the page arithmetic below stays exact.
  const maxPages = Math.floor(Math.max(0, Math.min(options.maxPages ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)));
  const maxRuns = Math.floor(Math.max(0, Math.min(options.maxRuns ?? DEFAULT_MAX_RUNS, Number.MAX_SAFE_INTEGER)));
  if (!isObject(value)) throw new SnapshotError(`not a numascope snapshot: the JSON is ${quote(value)}, not an object`);
  const root = value;

  const format = get(root, 'format');
  if (format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(
      format === undefined
        ? 'not a numascope snapshot: it has no "format" field'
        : `not a numascope snapshot: its "format" is ${quote(format)}, expected "${SNAPSHOT_FORMAT}"`,
    );
  }
  const version = required(root, 'version', '');
  if (version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`snapshot version ${quote(version)} is not supported: this numascope reads version ${SNAPSHOT_VERSION} only`);
  }

  const toolValue = get(root, 'tool');
  let tool: SnapshotTool | null = null;
  if (toolValue !== undefined && toolValue !== null) {
    const t = object(toolValue, 'tool');
    tool = { name: string(required(t, 'name', 'tool'), 'tool.name'), version: string(required(t, 'version', 'tool'), 'tool.version') };
  }

  const takenAt = string(required(root, 'takenAt', ''), 'takenAt');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(takenAt) || !Number.isFinite(Date.parse(takenAt))) {
    fail('takenAt', `must be an ISO 8601 time with a time zone like "2025-01-31T12:00:00.000Z", got ${quote(takenAt)}`);
  }
  const kernel = string(required(root, 'kernel', ''), 'kernel');
  const pageSize = integer(required(root, 'pageSize', ''), 'pageSize', 1024, 2 ** 30);
  if ((pageSize & (pageSize - 1)) !== 0) fail('pageSize', `must be a power of two, got ${pageSize}`);

  const processValue = object(required(root, 'process', ''), 'process');
  const process: SnapshotProcess = {
    pid: integer(required(processValue, 'pid', 'process'), 'process.pid', 1),
    comm: string(required(processValue, 'comm', 'process'), 'process.comm'),
    cmdline: array(required(processValue, 'cmdline', 'process'), 'process.cmdline').map((arg, i) => string(arg, `process.cmdline[${i}]`)),
    startTime: integer(required(processValue, 'startTime', 'process'), 'process.startTime'),
  };

  const nodeIds = new Set<number>();
  const nodes = array(required(root, 'nodes', ''), 'nodes').map((item, i): SnapshotNode => {
    const path = `nodes[${i}]`;
    const n = object(item, path);
    const id = integer(required(n, 'id', path), `${path}.id`, 0, MAX_NODE);
    if (nodeIds.has(id)) fail(`${path}.id`, `node ${id} is listed twice`);
    nodeIds.add(id);
    const cpus = integers(required(n, 'cpus', path), `${path}.cpus`);
    const cpuless = get(n, 'cpuless');
    const memoryTier = get(n, 'memoryTier');
    return {
      id,
      cpus,
      memTotal: integer(required(n, 'memTotal', path), `${path}.memTotal`),
      memFree: integer(required(n, 'memFree', path), `${path}.memFree`),
      distances: integers(required(n, 'distances', path), `${path}.distances`),
      cpuless: cpuless === undefined ? cpus.length === 0 : boolean(cpuless, `${path}.cpuless`),
      memoryTier: memoryTier === undefined || memoryTier === null ? null : integer(memoryTier, `${path}.memoryTier`),
    };
  });

  const withMemoryValue = get(root, 'withMemory');
  const withMemory =
    withMemoryValue === undefined ? nodes.filter((n) => n.memTotal > 0).map((n) => n.id) : integers(withMemoryValue, 'withMemory', 0, MAX_NODE);
  const tiersValue = get(root, 'memoryTiers');
  const memoryTiers: SnapshotMemoryTier[] =
    tiersValue === undefined
      ? []
      : array(tiersValue, 'memoryTiers').map((item, i) => {
          const path = `memoryTiers[${i}]`;
          const t = object(item, path);
          return { id: integer(required(t, 'id', path), `${path}.id`), nodes: integers(required(t, 'nodes', path), `${path}.nodes`, 0, MAX_NODE) };
        });

  // Pages per status, indexed by status - MIN_STATUS; recomputed here and compared with totals.
  const counts = new Float64Array(MAX_STATUS - MIN_STATUS + 1);
  const bigPageSize = BigInt(pageSize);
  let totalPages = 0;
  let totalRuns = 0;
  let previousEnd = -1n;
  const vmas = array(required(root, 'vmas', ''), 'vmas').map((item, i): SnapshotVma => {
    const path = `vmas[${i}]`;
    const v = object(item, path);
    const start = parseHex(required(v, 'start', path), `${path}.start`);
    const end = parseHex(required(v, 'end', path), `${path}.end`);
    if (start % bigPageSize !== 0n) fail(`${path}.start`, `${hex(start)} is not aligned to the ${pageSize}-byte page size`);
    if (end % bigPageSize !== 0n) fail(`${path}.end`, `${hex(end)} is not aligned to the ${pageSize}-byte page size`);
    if (end <= start) fail(path, `end ${hex(end)} must be above start ${hex(start)}`);
    if (start < previousEnd) {
      fail(path, `starts at ${hex(start)}, below the end of the previous region (${hex(previousEnd)}): regions must be sorted by address and must not overlap`);
    }
    previousEnd = end;
    const bigPages = (end - start) / bigPageSize;
    if (bigPages > BigInt(maxPages - totalPages)) {
      fail(path, `the snapshot covers more than ${maxPages} pages in all, the most this reader accepts`);
    }
    const pages = Number(bigPages);
    totalPages += pages;

    const perms = string(required(v, 'perms', path), `${path}.perms`);
    if (!/^[r-][w-][x-][ps]$/.test(perms)) fail(`${path}.perms`, `must look like "rw-p", got ${quote(perms)}`);
    const offsetValue = get(v, 'offset');
    const offset = offsetValue === undefined ? 0n : parseHex(offsetValue, `${path}.offset`);
    const devValue = get(v, 'dev');
    const dev = devValue === undefined ? '00:00' : string(devValue, `${path}.dev`);
    if (!/^[0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,8}$/.test(dev)) fail(`${path}.dev`, `must look like "fd:01", got ${quote(dev)}`);
    const inodeValue = get(v, 'inode');
    const inode = inodeValue === undefined ? 0 : integer(inodeValue, `${path}.inode`);
    const mappingPath = string(required(v, 'path', path), `${path}.path`);
    const derived = describeMapping(mappingPath);
    const nameValue = get(v, 'name');
    const name = nameValue === undefined ? derived.name : string(nameValue, `${path}.name`);
    const kindValue = get(v, 'kind');
    let kind = derived.kind;
    if (kindValue !== undefined) {
      if (!VMA_KINDS.includes(kindValue as VmaKind)) fail(`${path}.kind`, `must be one of ${VMA_KINDS.join(', ')}, got ${quote(kindValue)}`);
      kind = kindValue as VmaKind;
    }

    const runsField = required(v, 'runs', path);
    const runsValue = runsField instanceof RunList ? runsField : array(runsField, `${path}.runs`);
    totalRuns += runsValue.length;
    if (totalRuns > maxRuns) {
      fail(`${path}.runs`, `the snapshot holds more than ${maxRuns} runs in all, the most numascope reads (see "Limits" in docs/snapshot-format.md)`);
    }
    let sum = 0;
    const compact = runsValue instanceof RunList ? runsValue : null;
    for (let r = 0; r < runsValue.length; r++) {
      // Long runs lists come compact from the reader (parse.ts); both get the same checks.
      const run = compact === null ? (runsValue as unknown[])[r] : null;
      if (compact !== null) {
        const count = compact.counts[r] as number;
        const status = compact.statuses[r] as number;
        if (!(count > 0)) fail(`${path}.runs[${r}]`, `run length must be a positive integer, got ${quote(count)}`);
        if (status < MIN_STATUS || status > MAX_STATUS) {
          fail(`${path}.runs[${r}]`, `status must be an integer in [${MIN_STATUS}, ${MAX_STATUS}] (a node id or a negative errno), got ${quote(status)}`);
        }
        if (status === 0) compact.statuses[r] = 0;
        sum += count;
        if (sum > pages) fail(`${path}.runs[${r}]`, `run lengths reach ${sum} pages, more than the region's ${pages} ((end - start) / pageSize)`);
        counts[status - MIN_STATUS] = (counts[status - MIN_STATUS] as number) + count;
        continue;
      }
      if (!Array.isArray(run) || run.length !== 2) fail(`${path}.runs[${r}]`, `must be a [pageCount, status] pair, got ${quote(run)}`);
      const count: unknown = run[0];
      const status: unknown = run[1];
      if (typeof count !== 'number' || !Number.isSafeInteger(count) || count <= 0) {
        fail(`${path}.runs[${r}]`, `run length must be a positive integer, got ${quote(count)}`);
      }
      if (typeof status !== 'number' || !Number.isInteger(status) || status < MIN_STATUS || status > MAX_STATUS) {
        fail(`${path}.runs[${r}]`, `status must be an integer in [${MIN_STATUS}, ${MAX_STATUS}] (a node id or a negative errno), got ${quote(status)}`);
      }
      if (Object.is(status, -0)) run[1] = 0;
      sum += count;
      if (sum > pages) fail(`${path}.runs[${r}]`, `run lengths reach ${sum} pages, more than the region's ${pages} ((end - start) / pageSize)`);
      counts[status - MIN_STATUS] = (counts[status - MIN_STATUS] as number) + count;
    }
    if (sum !== pages) fail(`${path}.runs`, `run lengths add up to ${sum} pages but the region has ${pages} ((end - start) / pageSize)`);

    return {
      start: hex(start),
      end: hex(end),
      perms,
      offset: hex(offset),
      dev,
      inode,
      path: mappingPath,
      name,
      kind,
      // Checked above to be [positive safe integer, status] pairs; reused rather than copied
      // because large files hold millions of them.
      runs: runsValue as SnapshotRuns,
    };
  });

  const totals = checkTotals(object(required(root, 'totals', ''), 'totals'), counts, nodes);

  return { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, tool, takenAt, kernel, pageSize, process, nodes, withMemory, memoryTiers, vmas, totals };
}

function checkTotals(totals: Json, counts: Float64Array, nodes: SnapshotNode[]): SnapshotTotals {
  const byNode = checkCounts(object(required(totals, 'byNode', 'totals'), 'totals.byNode'), 'totals.byNode', counts, true);
  const byStatus = checkCounts(object(required(totals, 'byStatus', 'totals'), 'totals.byStatus'), 'totals.byStatus', counts, false);
  // Keys for listed nodes are optional in files; fill them so every reader sees every node.
  for (const node of nodes) {
    if (!Object.hasOwn(byNode, String(node.id))) byNode[String(node.id)] = 0;
  }
  return { byNode: sortCounts(byNode), byStatus: sortCounts(byStatus) };
}

function checkCounts(given: Json, path: string, counts: Float64Array, nodes: boolean): Record<string, number> {
  const keyPattern = nodes ? /^(0|[1-9]\d{0,3})$/ : /^-[1-9]\d{0,3}$/;
  const result: Record<string, number> = {};
  for (const key of Object.keys(given)) {
    const status = Number(key);
    if (!keyPattern.test(key) || status < MIN_STATUS || status > MAX_STATUS) {
      fail(path, `key ${quote(key)} is not ${nodes ? 'a node id' : 'a negative errno'}`);
    }
    const pages = integer(given[key], `${path}["${key}"]`);
    const actual = counts[status - MIN_STATUS] ?? 0;
    if (pages !== actual) fail(`${path}["${key}"]`, `says ${pages} pages but the runs hold ${actual}`);
    result[key] = pages;
  }
  const [from, to] = nodes ? [0, MAX_STATUS] : [MIN_STATUS, -1];
  for (let status = from; status <= to; status++) {
    const actual = counts[status - MIN_STATUS] ?? 0;
    if (actual > 0 && !Object.hasOwn(result, String(status))) {
      fail(path, `has no entry for ${nodes ? 'node' : 'status'} ${status}, but the runs hold ${actual} page${actual === 1 ? '' : 's'} ${nodes ? 'on' : 'with'} it`);
    }
  }
  return result;
}

/** Node ids ascending, errnos by magnitude: the order the serializer writes. */
export function sortCounts(counts: Record<string, number>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(counts).sort((a, b) => Math.abs(Number(a)) - Math.abs(Number(b)))) sorted[key] = counts[key] ?? 0;
  return sorted;
}
