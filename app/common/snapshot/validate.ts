/**
 * Checks an untrusted parsed JSON value against the snapshot schema and returns a fresh,
 * normalized SnapshotFile. Every refusal names the offending field by its path
 * (`vmas[3].runs[7]: ...`).
 *
 * The envelope (every field but the runs) is checked by its valibot schema (envelope.ts);
 * the runs, which can number in the millions, by the loop below, which also sums them for the
 * totals cross-check; and the rules that relate fields to each other here too.
 *
 * Rules that keep hostile input harmless:
 * - only known fields are read (a "__proto__" or "toString" key in the file is never
 *   mistaken for a field, and unknown keys are dropped);
 * - the result is built from scratch, so nothing from the input's prototype chain leaks;
 * - numbers must be safe integers, so 1e400 or 2^60 never turn into wrong counts;
 * - nothing is allocated per page, and the number of runs is capped (DEFAULT_MAX_RUNS).
 */
import * as v from 'valibot';
import { hex, HEX_ADDRESS } from '../address.js';
import { snapshotHead, snapshotTotals } from './envelope.js';
import { sortCounts } from './counts.js';
import { SnapshotError, quote } from './error.js';
import { DEFAULT_MAX_RUNS, MAX_STATUS, MIN_STATUS, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotFile, type SnapshotNode, type SnapshotTotals, type SnapshotVma } from './schema.js';
import { RunList, type SnapshotRuns } from './runs.js';

export { describeMapping, VMA_KINDS } from './envelope.js';
export { sortCounts } from './counts.js';

function fail(path: string, message: string): never {
  throw new SnapshotError(`${path}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseHex(value: unknown, path: string): bigint {
  if (typeof value !== 'string' || !HEX_ADDRESS.test(value)) fail(path, `must be a hex address string like "0x7f0000000000", got ${quote(value)}`);
  return BigInt(value);
}


const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `vmas[3].perms`, `totals.byNode["0"]`: where the issue is. A missing key is part of the
 * path (`process.pid: missing`); a refused key of a record is reported on the record.
 */
function pathOf(issue: v.BaseIssue<unknown>): string {
  let path = '';
  for (const item of issue.path ?? []) {
    if (item.type === 'object' && item.origin === 'key' && issue.expected?.startsWith('"') !== true) break;
    const key: unknown = item.key;
    if (typeof key === 'number') path += `[${key}]`;
    else if (IDENTIFIER.test(String(key))) path += path === '' ? String(key) : `.${String(key)}`;
    else path += `[${JSON.stringify(String(key))}]`;
  }
  return path;
}

/** The value as the schema's output, or its first problem as the one line every snapshot refusal is. */
function checkPart<TSchema extends v.GenericSchema>(schema: TSchema, value: unknown): v.InferOutput<TSchema> {
  // The first problem is enough for the one-line answer, and stops work on a bad file early.
  const parsed = v.safeParse(schema, value, { abortEarly: true });
  if (parsed.success) return parsed.output;
  const [issue] = parsed.issues;
  const path = pathOf(issue);
  throw new SnapshotError(path === '' ? issue.message : `${path}: ${issue.message}`);
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
  // Whether this is a snapshot at all comes first, in words for someone who opened the wrong file.
  if (!isObject(value)) throw new SnapshotError(`not a numascope snapshot: the JSON is ${quote(value)}, not an object`);
  const format = Object.hasOwn(value, 'format') ? value['format'] : undefined;
  if (format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(
      format === undefined
        ? 'not a numascope snapshot: it has no "format" field'
        : `not a numascope snapshot: its "format" is ${quote(format)}, expected "${SNAPSHOT_FORMAT}"`,
    );
  }
  const version = Object.hasOwn(value, 'version') ? value['version'] : undefined;
  if (version === undefined) fail('version', 'missing');
  if (version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`snapshot version ${quote(version)} is not supported: this numascope reads version ${SNAPSHOT_VERSION} only`);
  }

  const file = checkPart(snapshotHead, value);
  const { pageSize, nodes } = file;

  const nodeIds = new Set<number>();
  nodes.forEach((node, i) => {
    if (nodeIds.has(node.id)) fail(`nodes[${i}].id`, `node ${node.id} is listed twice`);
    nodeIds.add(node.id);
  });

  // Pages per status, indexed by status - MIN_STATUS; recomputed here and compared with totals.
  const counts = new Float64Array(MAX_STATUS - MIN_STATUS + 1);
  const bigPageSize = BigInt(pageSize);
  let totalPages = 0;
  let totalRuns = 0;
  let previousEnd = -1n;
  const vmas = file.vmas.map((vma, i): SnapshotVma => {
    const path = `vmas[${i}]`;
    const start = BigInt(vma.start);
    const end = BigInt(vma.end);
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

    const runsValue = vma.runs;
    totalRuns += runsValue.length;
    if (totalRuns > maxRuns) {
      fail(`${path}.runs`, `the snapshot holds more than ${maxRuns} runs in all, the most numascope reads (see "Limits" in docs/snapshot-format.md)`);
    }
    checkRuns(runsValue, pages, `${path}.runs`, counts);
    // Addresses come back in one spelling (lower case, no leading zeros); the runs are reused
    // rather than copied because large files hold millions of them.
    return { ...vma, start: hex(start), end: hex(end), offset: hex(BigInt(vma.offset)), runs: runsValue };
  });

  const totals = checkTotals(checkPart(snapshotTotals, value).totals, counts, nodes);
  return { ...file, vmas, totals };
}

/**
 * The runs of one region: [positive safe integer, status] pairs (the rules of `snapshotRun`
 * in envelope.ts, by hand because there can be millions) adding up to `pages`. Adds them to
 * `counts`.
 */
function checkRuns(runsValue: SnapshotRuns, pages: number, path: string, counts: Float64Array): void {
  let sum = 0;
  const compact = runsValue instanceof RunList ? runsValue : null;
  for (let r = 0; r < runsValue.length; r++) {
    // Long runs lists come compact from the reader (parse.ts); both get the same checks.
    const run = compact === null ? (runsValue as unknown[])[r] : null;
    if (compact !== null) {
      const count = compact.counts[r] as number;
      const status = compact.statuses[r] as number;
      if (!(count > 0)) fail(`${path}[${r}]`, `run length must be a positive integer, got ${quote(count)}`);
      if (status < MIN_STATUS || status > MAX_STATUS) {
        fail(`${path}[${r}]`, `status must be an integer in [${MIN_STATUS}, ${MAX_STATUS}] (a node id or a negative errno), got ${quote(status)}`);
      }
      if (status === 0) compact.statuses[r] = 0;
      sum += count;
      if (sum > pages) fail(`${path}[${r}]`, `run lengths reach ${sum} pages, more than the region's ${pages} ((end - start) / pageSize)`);
      counts[status - MIN_STATUS] = (counts[status - MIN_STATUS] as number) + count;
      continue;
    }
    if (!Array.isArray(run) || run.length !== 2) fail(`${path}[${r}]`, `must be a [pageCount, status] pair, got ${quote(run)}`);
    const count: unknown = run[0];
    const status: unknown = run[1];
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count <= 0) {
      fail(`${path}[${r}]`, `run length must be a positive integer, got ${quote(count)}`);
    }
    if (typeof status !== 'number' || !Number.isInteger(status) || status < MIN_STATUS || status > MAX_STATUS) {
      fail(`${path}[${r}]`, `status must be an integer in [${MIN_STATUS}, ${MAX_STATUS}] (a node id or a negative errno), got ${quote(status)}`);
    }
    if (Object.is(status, -0)) run[1] = 0;
    sum += count;
    if (sum > pages) fail(`${path}[${r}]`, `run lengths reach ${sum} pages, more than the region's ${pages} ((end - start) / pageSize)`);
    counts[status - MIN_STATUS] = (counts[status - MIN_STATUS] as number) + count;
  }
  if (sum !== pages) fail(path, `run lengths add up to ${sum} pages but the region has ${pages} ((end - start) / pageSize)`);
}

function checkTotals(totals: SnapshotTotals, counts: Float64Array, nodes: SnapshotNode[]): SnapshotTotals {
  const byNode = checkCounts(totals.byNode, 'totals.byNode', counts, true);
  const byStatus = checkCounts(totals.byStatus, 'totals.byStatus', counts, false);
  // Keys for listed nodes are optional in files; fill them so every reader sees every node.
  for (const node of nodes) {
    if (!Object.hasOwn(byNode, String(node.id))) byNode[String(node.id)] = 0;
  }
  return { byNode: sortCounts(byNode), byStatus: sortCounts(byStatus) };
}

/** The envelope checked the keys and the numbers; here they must equal what the runs hold. */
function checkCounts(given: Record<string, number>, path: string, counts: Float64Array, nodes: boolean): Record<string, number> {
  const result: Record<string, number> = {};
  for (const key of Object.keys(given)) {
    const pages = given[key] as number;
    const actual = counts[Number(key) - MIN_STATUS] ?? 0;
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
