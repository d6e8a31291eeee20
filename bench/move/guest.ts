/**
 * The guest half of the move benchmark (bench/move/run.ts boots the guest and runs this as
 * root inside it): moves a target's whole anonymous region from node 0 to node 1, once with
 * the C reference (one sorted move_pages call) and once with numascope's moveRanges, for a
 * number of rounds, checks that every page ended on node 1 both times, and writes the
 * results as JSON.
 *
 *   node dist/bench/move/guest.js --reference BIN --out FILE [--size 512M] [--rounds N]
 *                                 [--chunked N] [--warmup 16M] [--variants N,N,...]
 *
 * --variants adds numascope runs with MoveOptions.chunkPages fixed at each N, or with
 * numa_maps placement off for the word 'asked'. --compare-with
 * MODULE adds runs of the moveRanges exported by another build of the migrator (for example
 * the one before a change), so that two versions are compared in the same guest and run.
 *
 * Every timed move gets a fresh target, started under `numactl --membind=0` and checked to
 * sit entirely on node 0 first. membind is a memory policy, not a cpuset: it decides where
 * the target's own faults allocate, while move_pages only refuses nodes outside the cpuset
 * (test/numa moves membind targets the same way), so the move to node 1 is allowed and no
 * page can start anywhere but node 0.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { hex } from '../../app/common/address.js';
import { moveRanges, type MoveOptions, type MoveProgress } from '../../app/main/migrator/index.js';
import { movePages } from '../../native/index.js';
import { readNumaMaps } from '../../app/main/proc/numaMaps.js';
import { readPageSize } from '../../app/main/system/pageSize.js';
import { Target, type TargetRegion } from '../../test/helpers/target.js';
import { variantOptions } from './variants.js';

const run = promisify(execFile);

export interface ReferenceRun {
  ms: number;
  /** Time inside move_pages alone. */
  callMs: number;
  calls: number;
  notMoved: number;
  histogram: Record<string, number>;
}

export interface NumascopeRun {
  ms: number;
  /**
   * From the call to the last query progress report, which comes just before the first move
   * call: the checks, planning, and what of the query runs before moving starts.
   */
  queryMs: number;
  /** Pages placed by numa_maps and pages asked about (null for builds that do not say). */
  knownPages: number | null;
  askedPages: number | null;
  /** From then to the return: the move calls, the checks after them, the result. */
  moveMs: number;
  /** Move calls made (one progress report each). */
  moveCalls: number;
  /** The MoveOptions beyond the defaults (none for the plain run). */
  options: MoveOptions;
  outcome: string;
  moved: number;
  failed: number;
  message: string;
}

export interface Check {
  /** Where the pages were before the timed move and after it, by node (or status). */
  before: Record<string, number>;
  after: Record<string, number>;
  /** numa_maps' N<node>= totals for the mapping after the move. */
  numaMapsAfter: Record<string, number>;
  ok: boolean;
  problem: string | null;
}

export interface Measurement<R> {
  kind: 'reference' | 'reference-chunked' | 'numascope' | 'numascope-variant' | 'numascope-other';
  round: number;
  /** Position in the round: 0 ran first. */
  position: number;
  run: R | null;
  check: Check;
  error: string | null;
  /** For the numascope variants: which one (see --variants). */
  variant?: string;
}

export interface GuestResult {
  size: string;
  pages: number;
  rounds: number;
  chunked: number;
  kernel: string;
  cpus: number;
  loadAverage: { start: number; end: number };
  reference: Measurement<ReferenceRun>[];
  referenceChunked: Measurement<ReferenceRun>[];
  numascope: Measurement<NumascopeRun>[];
  /** The --variants: page counts (MoveOptions.chunkPages fixed) or 'asked' (numaMaps off). */
  variantNames: string[];
  /** numascope run as each of --variants. */
  variants: Measurement<NumascopeRun>[];
  /** The module of --compare-with, and its runs. */
  other: string | null;
  otherRuns: Measurement<NumascopeRun>[];
}

interface GuestOptions {
  reference: string;
  out: string;
  size: string;
  rounds: number;
  chunked: number;
  warmup: string;
  variants: string[];
  other: string | null;
}

const TARGET_NODE = 1;
const SOURCE_NODE = 0;

function parseOptions(argv: readonly string[]): GuestOptions {
  const options: GuestOptions = { reference: '', out: '', size: '512M', rounds: 5, chunked: 1024, warmup: '16M', variants: [], other: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--reference') options.reference = value();
    else if (arg === '--out') options.out = value();
    else if (arg === '--size') options.size = value();
    else if (arg === '--rounds') options.rounds = Number(value());
    else if (arg === '--chunked') options.chunked = Number(value());
    else if (arg === '--warmup') options.warmup = value();
    else if (arg === '--variants') options.variants = value().split(',').filter(Boolean);
    else if (arg === '--compare-with') options.other = value();
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!options.reference || !options.out) throw new Error('--reference and --out are required');
  if (!Number.isInteger(options.rounds) || options.rounds < 1) throw new Error('--rounds wants an integer >= 1');
  if (!Number.isInteger(options.chunked) || options.chunked < 0) throw new Error('--chunked wants an integer >= 0');
  if (options.variants.some((v) => variantOptions(v) === null)) throw new Error("--variants wants page counts >= 1 or 'asked'");
  return options;
}

function log(line: string): void {
  process.stdout.write(`[move-bench guest] ${line}\n`);
}


/** Where every page of the region is, by node (or status), through numascope's native binding. */
async function placement(pid: number, region: TargetRegion, pageSize: number): Promise<Record<string, number>> {
  const pages = Number((region.end - region.start) / BigInt(pageSize));
  const out: Record<string, number> = {};
  const batch = 16384;
  const addresses = new BigUint64Array(batch);
  for (let from = 0; from < pages; from += batch) {
    const n = Math.min(batch, pages - from);
    for (let i = 0; i < n; i++) addresses[i] = region.start + BigInt((from + i) * pageSize);
    const { status } = await movePages(pid, addresses.subarray(0, n), null, 0);
    for (const s of status) out[s] = (out[s] ?? 0) + 1;
  }
  return out;
}

async function numaMapsNodes(pid: number, region: TargetRegion): Promise<Record<string, number>> {
  const entry = (await readNumaMaps(pid)).find((e) => e.start === region.start);
  if (!entry) return {};
  return Object.fromEntries([...entry.pagesByNode].sort(([a], [b]) => a - b).map(([node, pages]) => [String(node), pages]));
}

const only = (node: number, pages: number): Record<string, number> => ({ [node]: pages });
const same = (a: Record<string, number>, b: Record<string, number>): boolean => JSON.stringify(a) === JSON.stringify(b);

function isReferenceOutput(value: unknown): value is { ns: number; callNs: number; pages: number; calls: number; notMoved: number; histogram: Record<string, number> } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.ns === 'number' && typeof v.callNs === 'number' && typeof v.calls === 'number' && typeof v.notMoved === 'number' && typeof v.histogram === 'object';
}

async function runReference(binary: string, pid: number, region: TargetRegion, chunk: number): Promise<ReferenceRun> {
  const args = [String(pid), hex(region.start), hex(region.end), String(TARGET_NODE)];
  if (chunk > 0) args.push('--chunk', String(chunk));
  const { stdout } = await run(binary, args);
  const parsed: unknown = JSON.parse(stdout);
  if (!isReferenceOutput(parsed)) throw new Error(`the reference printed something unexpected: ${stdout.slice(0, 200)}`);
  return { ms: parsed.ns / 1e6, callMs: parsed.callNs / 1e6, calls: parsed.calls, notMoved: parsed.notMoved, histogram: parsed.histogram };
}

type MoveRanges = typeof moveRanges;

function isMigrator(value: unknown): value is { moveRanges: MoveRanges } {
  return typeof value === 'object' && value !== null && typeof (value as { moveRanges?: unknown }).moveRanges === 'function';
}

async function runNumascope(pid: number, region: TargetRegion, extra: MoveOptions, mover: MoveRanges = moveRanges): Promise<NumascopeRun> {
  let queried = Number.NaN;
  let moveCalls = 0;
  const onProgress = (p: MoveProgress): void => {
    if (p.phase === 'query') queried = performance.now();
    else moveCalls++;
  };
  const options: MoveOptions = { ...extra, onProgress };
  const started = performance.now();
  const result = await mover({ pid, ranges: [region], toNode: TARGET_NODE }, options);
  const ended = performance.now();
  return {
    ms: ended - started,
    queryMs: queried - started,
    knownPages: result.survey?.knownPages ?? null,
    askedPages: result.survey?.askedPages ?? null,
    moveMs: ended - queried,
    moveCalls,
    options: extra,
    outcome: result.outcome,
    moved: result.counts.moved,
    failed: result.counts.failed,
    message: result.message,
  };
}

type Kind = Measurement<unknown>['kind'];

/** One timed move on a fresh target, checked before and after. */
async function measure<R>(kind: Kind, round: number, position: number, size: string, body: (pid: number, region: TargetRegion) => Promise<R>): Promise<Measurement<R>> {
  const target = await Target.start(['--anon', size, '--nohuge'], { prefix: ['numactl', `--membind=${SOURCE_NODE}`] });
  const check: Check = { before: {}, after: {}, numaMapsAfter: {}, ok: false, problem: null };
  try {
    const region = target.region(0);
    const pageSize = target.info.pageSize;
    const pages = Number((region.end - region.start) / BigInt(pageSize));
    check.before = await placement(target.pid, region, pageSize);
    if (!same(check.before, only(SOURCE_NODE, pages))) {
      check.problem = `before the move the pages were not all on node ${SOURCE_NODE}: ${JSON.stringify(check.before)}`;
      return { kind, round, position, run: null, check, error: check.problem };
    }
    let result: R | null = null;
    let error: string | null = null;
    try {
      result = await body(target.pid, region);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    check.after = await placement(target.pid, region, pageSize);
    check.numaMapsAfter = await numaMapsNodes(target.pid, region);
    const want = only(TARGET_NODE, pages);
    if (!same(check.after, want)) check.problem = `after the move: ${JSON.stringify(check.after)}, not every page on node ${TARGET_NODE}`;
    else if (!same(check.numaMapsAfter, want)) check.problem = `numa_maps after the move says ${JSON.stringify(check.numaMapsAfter)}`;
    check.ok = check.problem === null && error === null;
    return { kind, round, position, run: result, check, error };
  } finally {
    await target.stop().catch(() => target.kill());
  }
}

/** The run's own account must agree with where the pages are. */
function judgeReference(m: Measurement<ReferenceRun>, pages: number): void {
  const r = m.run;
  if (!r || !m.check.ok) return;
  if (r.notMoved !== 0 || !same(r.histogram, only(TARGET_NODE, pages))) {
    m.check.ok = false;
    m.check.problem = `the reference reported ${r.notMoved} not moved, statuses ${JSON.stringify(r.histogram)}`;
  }
}

function judgeNumascope(m: Measurement<NumascopeRun>, pages: number): void {
  const r = m.run;
  if (!r || !m.check.ok) return;
  if (r.outcome !== 'complete' || r.moved !== pages || r.failed !== 0) {
    m.check.ok = false;
    m.check.problem = `numascope reported: ${r.message}`;
  }
}

function describe(m: Measurement<NumascopeRun>): string {
  const r = m.run;
  const time = r ? `${r.ms.toFixed(1)} ms (before moving ${r.queryMs.toFixed(1)}, ${r.moveCalls} move calls${r.knownPages === null ? '' : `, ${r.knownPages} pages placed by numa_maps, ${r.askedPages} asked`})` : 'n/a';
  return `${time} ${m.check.ok ? 'ok' : `WRONG: ${m.check.problem ?? m.error}`}`;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const loadStart = loadavg()[0] ?? Number.NaN;
  const pages = parseSize(options.size) / (await readPageSize());
  let other: MoveRanges | null = null;
  if (options.other !== null) {
    const module: unknown = await import(pathToFileURL(options.other).href);
    if (!isMigrator(module)) throw new Error(`${options.other} exports no moveRanges`);
    other = module.moveRanges;
  }

  // Untimed: the first call of everything (koffi's library load, the JIT, the C binary's
  // first exec over 9p) is not what a long-running numascope pays for a move.
  log(`warm-up with ${options.warmup}`);
  await measure('numascope', -1, 0, options.warmup, (pid, region) => runNumascope(pid, region, {}));
  await measure('reference', -1, 1, options.warmup, (pid, region) => runReference(options.reference, pid, region, 0));
  const otherMover = other;
  if (otherMover) await measure('numascope-other', -1, 2, options.warmup, (pid, region) => runNumascope(pid, region, {}, otherMover));

  const result: GuestResult = {
    size: options.size,
    pages,
    rounds: options.rounds,
    chunked: options.chunked,
    kernel: release(),
    cpus: cpus().length,
    loadAverage: { start: loadStart, end: Number.NaN },
    reference: [],
    referenceChunked: [],
    numascope: [],
    variantNames: options.variants,
    variants: [],
    other: options.other,
    otherRuns: [],
  };
  for (let round = 0; round < options.rounds; round++) {
    // Alternating order, so that a slow start or end of the run does not favour one side.
    const order: Kind[] = round % 2 === 0 ? ['reference', 'numascope'] : ['numascope', 'reference'];
    if (otherMover) order.splice(round % 2 === 0 ? 1 : 0, 0, 'numascope-other');
    if (options.chunked > 0) order.push('reference-chunked');
    let position = 0;
    for (const kind of order) {
      if (kind === 'numascope-other' && otherMover) {
        const m = await measure(kind, round, position++, options.size, (pid, region) => runNumascope(pid, region, {}, otherMover));
        judgeNumascope(m, pages);
        result.otherRuns.push(m);
        log(`round ${round + 1}/${options.rounds} numascope (${options.other}) ${describe(m)}`);
      } else if (kind === 'numascope') {
        const m = await measure(kind, round, position++, options.size, (pid, region) => runNumascope(pid, region, {}));
        judgeNumascope(m, pages);
        result.numascope.push(m);
        log(`round ${round + 1}/${options.rounds} numascope ${describe(m)}`);
      } else {
        const chunk = kind === 'reference' ? 0 : options.chunked;
        const m = await measure(kind, round, position++, options.size, (pid, region) => runReference(options.reference, pid, region, chunk));
        judgeReference(m, pages);
        (kind === 'reference' ? result.reference : result.referenceChunked).push(m);
        log(`round ${round + 1}/${options.rounds} ${kind} ${m.run ? m.run.ms.toFixed(1) : 'n/a'} ms in ${m.run?.calls ?? 0} calls ${m.check.ok ? 'ok' : `WRONG: ${m.check.problem ?? m.error}`}`);
      }
    }
    for (const variant of options.variants) {
      const m = await measure('numascope-variant', round, position++, options.size, (pid, region) => runNumascope(pid, region, variantOptions(variant) ?? {}));
      judgeNumascope(m, pages);
      m.variant = variant;
      result.variants.push(m);
      log(`round ${round + 1}/${options.rounds} numascope variant ${variant} ${describe(m)}`);
    }
  }
  result.loadAverage.end = loadavg()[0] ?? Number.NaN;
  await writeFile(options.out, `${JSON.stringify(result, null, 2)}\n`);
  log(`results written to ${options.out}`);
  return 0;
}

function parseSize(text: string): number {
  const match = /^(\d+)([KMG]?)$/i.exec(text);
  if (!match) throw new Error(`bad size ${text}`);
  const shift = { '': 0, K: 10, M: 20, G: 30 }[(match[2] ?? '').toUpperCase()] ?? 0;
  return Number(match[1]) * 2 ** shift;
}

async function nodesOnline(): Promise<string> {
  return (await readFile('/sys/devices/system/node/online', 'utf8')).trim();
}

try {
  const online = await nodesOnline();
  if (!/^0-[1-9]/.test(online)) throw new Error(`needs nodes 0 and 1 online, this machine has ${online}`);
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`move-bench guest: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
