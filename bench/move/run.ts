/**
 * `node dist/bench/move/run.js`: how long numascope's moveRanges takes to move 512 MiB from
 * node 0 to node 1, against a C program that issues the same move as one sorted move_pages
 * call, both inside the same two-node QEMU guest in the same run. See --help and the "Moves"
 * section of docs/benchmarks.md.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { loadGuestRig } from '../../test/helpers/guest-rig.js';
import { buildC, compileC, repoRoot } from '../../test/helpers/target.js';
import { COMMON_OPTIONS, count, readOptions, text, UsageError } from '../cli.js';
import { summarize, type Summary } from '../stats.js';
import type { GuestResult, Measurement, NumascopeRun, ReferenceRun } from './guest.js';
import { describeVariant, variantOptions } from './variants.js';

/** The goal from the performance issue: numascope's time over the reference's. */
const GOAL = 1.1;

const USAGE = `usage: node dist/bench/move/run.js [options]

Boots the two-node QEMU guest (test/numa-vm) once and, inside it, moves a target's
anonymous region (--anon SIZE --nohuge, every page on node 0 first) to node 1 with:
  - bench/move/reference.c: one sorted move_pages call for the whole range,
  - the same C program in calls of --chunked pages (what chunking alone costs),
  - numascope's moveRanges (timed around the call, in a Node process that loaded it before).
Each timed move gets a fresh target; the order alternates between rounds; after every move
all pages must be on node 1 (move_pages query and numa_maps).

options:
  --quick           64 MiB and 3 rounds: a smoke run
  --size SIZE       region size, K/M/G suffix (default 512M, quick 64M)
  --rounds N        timed rounds (default 5, quick 3)
  --chunked N       pages per call of the chunked C run; 0 leaves that run out (default 1024)
  --variants LIST   also time numascope as each of these, comma-separated: a page count
                    fixes MoveOptions.chunkPages; 'asked' asks about every page instead of
                    placing whole mappings from numa_maps (default none)
  --compare-with M  also time the moveRanges exported by module M (another build of
                    app/main/migrator/index.js, e.g. the one before a change), same rounds
  --timeout SEC     give up on the guest after this long (default from size and rounds)
  --json FILE       also write every result as JSON to FILE
  --verbose         stream the whole guest console, not only the benchmark's lines
  -h, --help        this text

Exit status: 0 when every move ended with all pages on node 1 (whether or not the goal of
ratio <= ${GOAL} is met), 1 when a result was wrong or the run failed, 2 for a bad command line.`;

interface Options {
  quick: boolean;
  size: string;
  rounds: number;
  chunked: number;
  variants: string[];
  compareWith: string | null;
  timeoutSec: number | null;
  json: string | null;
  verbose: boolean;
  help: boolean;
}


function parseArgs(argv: readonly string[]): Options {
  const values = readOptions(
    argv,
    {
      ...COMMON_OPTIONS,
      size: { type: 'string' },
      chunked: { type: 'string' },
      variants: { type: 'string' },
      'compare-with': { type: 'string' },
      timeout: { type: 'string' },
      verbose: { type: 'boolean' },
    },
    '',
  );
  const quick = values.quick === true;
  const options: Options = { quick, size: quick ? '64M' : '512M', rounds: quick ? 3 : 5, chunked: 1024, variants: [], compareWith: null, timeoutSec: null, json: null, verbose: values.verbose === true, help: values.help === true };
  if (values.size !== undefined) {
    const value = text(values, 'size');
    if (value === undefined || !/^\d+[KMG]?$/i.test(value)) throw new UsageError('--size wants a size such as 512M');
    options.size = value;
  }
  if (values.rounds !== undefined) options.rounds = count('--rounds', text(values, 'rounds'), 1);
  if (values.chunked !== undefined) options.chunked = count('--chunked', text(values, 'chunked'), 0);
  if (values.variants !== undefined) {
    const list = (text(values, 'variants') ?? '').split(',').filter(Boolean);
    if (list.length === 0 || list.some((v) => variantOptions(v) === null)) throw new UsageError("--variants wants page counts such as 1024,4096, or 'asked'");
    options.variants = list;
  }
  if (values['compare-with'] !== undefined) {
    const value = text(values, 'compare-with');
    if (value === undefined) throw new UsageError('--compare-with wants a module path');
    options.compareWith = resolve(value);
  }
  if (values.timeout !== undefined) options.timeoutSec = count('--timeout', text(values, 'timeout'), 1);
  if (values.json !== undefined) {
    const value = text(values, 'json');
    if (value === undefined) throw new UsageError('--json wants a file name');
    options.json = value;
  }
  return options;
}

/** Built on the host: compiling under TCG is slow and would land in the guest's throwaway overlay. */
function buildReference(): string {
  return compileC(join(repoRoot, 'bench', 'move', 'reference.c'), 'move-reference');
}


function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a');
const medMin = (s: Summary): string => `${ms(s.median)} (${ms(s.min)})`;

function times<R extends ReferenceRun | NumascopeRun>(runs: Measurement<R>[], pick: (r: R) => number): Summary {
  return summarize(runs.flatMap((m) => (m.run && m.check.ok ? [pick(m.run)] : [])));
}

export interface Report {
  reference: Summary;
  referenceCallMs: Summary;
  referenceChunked: Summary;
  numascope: Summary;
  numascopeQueryMs: Summary;
  numascopeMoveMs: Summary;
  numascopeMoveCalls: Summary;
  /** Per variant: times and ratio to the reference median. */
  variants: { variant: string; ms: Summary; moveCalls: Summary; ratio: number }[];
  other: { module: string; ms: Summary; ratio: number; paired: number } | null;
  ratio: number;
  ratioMin: number;
  ratioPaired: number;
  pass: boolean;
  allCorrect: boolean;
  problems: string[];
}

function analyse(result: GuestResult): Report {
  const reference = times(result.reference, (r) => r.ms);
  const numascope = times(result.numascope, (r) => r.ms);
  const paired: number[] = [];
  for (const n of result.numascope) {
    const r = result.reference.find((m) => m.round === n.round);
    if (n.run && r?.run && n.check.ok && r.check.ok) paired.push(n.run.ms / r.run.ms);
  }
  const all = [...result.reference, ...result.referenceChunked, ...result.numascope, ...result.variants, ...result.otherRuns];
  const problems = all.filter((m) => !m.check.ok).map((m) => `round ${m.round + 1} ${m.kind}: ${m.check.problem ?? m.error ?? 'failed'}`);
  const ratio = numascope.median / reference.median;
  const expected = result.rounds * ((result.chunked > 0 ? 3 : 2) + result.variantNames.length + (result.other ? 1 : 0));
  const otherMs = times(result.otherRuns, (r) => r.ms);
  // numascope over the other build, round by round.
  const otherPaired: number[] = [];
  for (const n of result.numascope) {
    const o = result.otherRuns.find((m) => m.round === n.round);
    if (n.run && o?.run && n.check.ok && o.check.ok) otherPaired.push(n.run.ms / o.run.ms);
  }
  if (all.length !== expected) problems.push(`${all.length} measurements instead of ${expected}`);
  return {
    reference,
    referenceCallMs: times(result.reference, (r) => r.callMs),
    referenceChunked: times(result.referenceChunked, (r) => r.ms),
    numascope,
    numascopeQueryMs: times(result.numascope, (r) => r.queryMs),
    numascopeMoveMs: times(result.numascope, (r) => r.moveMs),
    numascopeMoveCalls: times(result.numascope, (r) => r.moveCalls),
    variants: result.variantNames.map((variant) => {
      const runs = result.variants.filter((m) => m.variant === variant);
      const ms = times(runs, (r) => r.ms);
      return { variant, ms, moveCalls: times(runs, (r) => r.moveCalls), ratio: ms.median / reference.median };
    }),
    other: result.other ? { module: result.other, ms: otherMs, ratio: otherMs.median / reference.median, paired: summarize(otherPaired).median } : null,
    ratio,
    ratioMin: numascope.min / reference.min,
    ratioPaired: summarize(paired).median,
    pass: problems.length === 0 && ratio <= GOAL,
    allCorrect: problems.length === 0,
    problems,
  };
}

function render(result: GuestResult, report: Report, host: { load: [number, number] }): string {
  const rows: string[][] = [
    ['C reference, one sorted move_pages call', medMin(report.reference), '1.00', '', `${ms(report.referenceCallMs.median)} in the call`],
  ];
  if (result.chunked > 0) {
    rows.push([`C, ${result.chunked} pages a call`, medMin(report.referenceChunked), (report.referenceChunked.median / report.reference.median).toFixed(2), '', 'for comparison']);
  }
  rows.push([
    'numascope moveRanges',
    medMin(report.numascope),
    // Three decimals, so that a miss by a hair does not read "1.10 FAIL".
    `${report.ratio.toFixed(3)} (min ${report.ratioMin.toFixed(2)}, paired ${report.ratioPaired.toFixed(2)})`,
    `<= ${GOAL}`,
    `${report.allCorrect ? (report.ratio <= GOAL ? 'pass' : 'FAIL') : 'FAIL (wrong placement)'}; before moving ${ms(report.numascopeQueryMs.median)}, moves ${ms(report.numascopeMoveMs.median)} in ${report.numascopeMoveCalls.median} calls`,
  ]);
  if (report.other) {
    const shown = relative(repoRoot, report.other.module);
    rows.push([`numascope from ${shown.startsWith('..') ? report.other.module : shown}`, medMin(report.other.ms), report.other.ratio.toFixed(2), '', `for comparison; numascope moveRanges above takes ${report.other.paired.toFixed(2)}x the time of this one (paired)`]);
  }
  for (const v of report.variants) {
    rows.push([`numascope, ${describeVariant(v.variant)}`, medMin(v.ms), v.ratio.toFixed(2), '', `for comparison; ${v.moveCalls.median} move calls`]);
  }
  const out = [
    '',
    `numascope move bench: ${result.size} (${result.pages} pages, --nohuge) node 0 -> node 1, ${result.rounds} rounds, two-node QEMU guest (TCG, ${result.cpus} vCPUs, Linux ${result.kernel})`,
    'times are wall-clock ms, median (min); ratio = median / reference median',
    '',
    table(['mover', 'ms med (min)', 'ratio', 'goal', 'result / detail'], rows),
    '',
    `load: guest 1-min load average ${result.loadAverage.start.toFixed(2)} -> ${result.loadAverage.end.toFixed(2)}; host ${host.load[0].toFixed(2)} -> ${host.load[1].toFixed(2)} on ${cpus().length} CPUs (Linux ${release()}).`,
    'caveat: the guest is emulated (TCG), its vCPUs are host threads shared with whatever else runs on the host, and',
    'page copies, TLB flushes and system calls cost very different amounts under emulation than on hardware: trust the',
    'ratio of runs in the same guest more than any absolute time.',
  ];
  if (report.problems.length > 0) out.push('', ...report.problems.map((p) => `wrong: ${p}`));
  return out.join('\n');
}

async function main(options: Options): Promise<number> {
  const loadStart = loadavg()[0] ?? Number.NaN;
  const reference = buildReference();
  buildC('target');
  const guestScript = join(repoRoot, 'dist', 'bench', 'move', 'guest.js');
  if (!existsSync(guestScript)) throw new Error(`${guestScript} is missing: build first (npm run build)`);
  const rig = await loadGuestRig();
  const outDir = await mkdtemp(join(tmpdir(), 'numascope-move-bench-'));
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort(signal));
  const sizeMiB = Number(/^\d+/.exec(options.size)?.[0] ?? 0) * ({ K: 1 / 1024, M: 1, G: 1024 }[options.size.slice(-1).toUpperCase()] ?? 1 / 2 ** 20);
  // Measured under TCG on a busy two-core host: a 512 MiB target takes ~10 s to start and a
  // move a few seconds; three targets per round, plus boot and warm-up, with room to spare.
  const timeoutSec = options.timeoutSec ?? Math.ceil(240 + options.rounds * (1 + (options.variants.length + (options.compareWith ? 1 : 0)) / 3) * (30 + sizeMiB * 0.5));
  try {
    const args = [`--reference ${reference}`, `--out "$NUMA_VM_OUT/result.json"`, `--size ${options.size}`, `--rounds ${options.rounds}`, `--chunked ${options.chunked}`];
    if (options.variants.length > 0) args.push(`--variants ${options.variants.join(',')}`);
    if (options.compareWith) args.push(`--compare-with '${options.compareWith}'`);
    process.stderr.write(`move bench: booting the two-node guest (timeout ${timeoutSec} s)\n`);
    let pending = '';
    const { exitCode } = await rig.runInGuest({
      topology: 'two-node',
      script: `exec node ${relative(repoRoot, guestScript)} ${args.join(' ')}\n`,
      timeoutMs: timeoutSec * 1000,
      outDir,
      signal: controller.signal,
      onOutput: (chunk) => {
        if (options.verbose) {
          process.stderr.write(chunk);
          return;
        }
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (/^\[move-bench guest\]|^move-bench guest:|Error/.test(line)) process.stderr.write(`${line}\n`);
      },
    });
    if (exitCode !== 0) throw new Error(`the guest side exited with ${exitCode}`);
    const result = JSON.parse(await readFile(join(outDir, 'result.json'), 'utf8')) as GuestResult;
    const report = analyse(result);
    const host = { load: [loadStart, loadavg()[0] ?? Number.NaN] as [number, number] };
    process.stdout.write(`${render(result, report, host)}\n`);
    if (options.json) {
      const machine = { hostCpus: cpus().length, hostCpuModel: cpus()[0]?.model ?? 'unknown', hostKernel: release(), node: process.version, date: new Date().toISOString(), hostLoad: host.load };
      await writeFile(options.json, `${JSON.stringify({ machine, goal: GOAL, options, report, result }, null, 2)}\n`);
      process.stderr.write(`results written to ${options.json}\n`);
    }
    return report.allCorrect ? 0 : 1;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

let options: Options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`move bench: ${error.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
} else {
  try {
    process.exitCode = await main(options);
  } catch (error) {
    process.stderr.write(`move bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
