/**
 * `node dist/bench/reservation/run.js`: moves and move plans of a process with a huge sparse
 * reservation (terabytes reserved with MAP_NORESERVE, one page touched in N, as JVMs, Go,
 * V8 and ASAN processes look), against the same present pages in a dense mapping, in the same
 * run. Each figure is the wall time and the peak resident memory (VmHWM) of a process doing
 * only that: the CLI's `numascope move PID --range 0x0-0xffffffffffffffff --to 0`, and one
 * move:plan of the same range through the service. On a one-node host every page is already
 * on node 0, which still takes the whole path of a move. See the "Huge reservations" section
 * of docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, run } from '../../test/helpers/cli.js';
import { reportedPeakKiB, writePeakReporter } from '../../test/helpers/peak-memory.js';
import { Target, repoRoot } from '../../test/helpers/target.js';
import { count, UsageError } from '../cli.js';
import { summarize } from '../stats.js';

const USAGE = `usage: node dist/bench/reservation/run.js [--quick] [--rounds N] [--json FILE]

For a 1 TiB reservation with one page in 262144 touched and a 64 TiB one with one page in
4194304 touched (--quick: the 1 TiB one only), and for a dense mapping of the same present
pages: times and peak memory of a whole-process numascope move and of a move:plan.`;

interface Options {
  quick: boolean;
  rounds: number;
  json: string | null;
}

function parse(argv: readonly string[]): Options | null {
  const options: Options = { quick: false, rounds: 3, json: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return null;
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--rounds') options.rounds = count('--rounds', argv[++i], 1);
    else if (arg === '--json') options.json = argv[++i] ?? null;
    else throw new UsageError(`unknown option ${arg}`);
  }
  return options;
}

interface Case {
  name: string;
  sparse: string[];
  dense: string[];
}

function cases(quick: boolean): Case[] {
  const all = [
    { name: '1 TiB reserved, 1 page in 262144 present', sparse: ['--sparse', '1024G:262144', '--nohuge'], dense: ['--anon', '4M', '--nohuge'] },
    { name: '64 TiB reserved, 1 page in 4194304 present', sparse: ['--sparse', '65536G:4194304', '--nohuge'], dense: ['--anon', '16M', '--nohuge'] },
  ];
  return quick ? all.slice(0, 1) : all;
}

interface Sample {
  ms: number;
  peakMiB: number;
}

async function cliMove(pid: number, peakReporter: string): Promise<Sample> {
  const started = performance.now();
  const result = await run(process.execPath, ['--require', peakReporter, CLI, 'move', String(pid), '--range', '0x0-0xffffffffffffffff', '--to', '0']);
  const ms = performance.now() - started;
  const peakKiB = reportedPeakKiB(result.stderr);
  if (result.code !== 0 || peakKiB === undefined) throw new Error(`numascope move failed: ${result.stderr.trim()}`);
  return { ms, peakMiB: peakKiB / 1024 };
}

async function plan(pid: number): Promise<Sample> {
  const result = await run(process.execPath, [join(repoRoot, 'dist', 'bench', 'reservation', 'plan.js'), String(pid)]);
  if (result.code !== 0) throw new Error(`move:plan failed: ${result.stderr.trim()}`);
  const line = JSON.parse(result.stdout) as { ms: number; peakKiB: number; plan: { ok: boolean } };
  if (!line.plan.ok) throw new Error(`move:plan failed: ${JSON.stringify(line.plan)}`);
  return { ms: line.ms, peakMiB: line.peakKiB / 1024 };
}

interface Row {
  case: string;
  operation: string;
  ms: number;
  peakMiB: number;
  referenceMs: number;
  referencePeakMiB: number;
}

async function main(options: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'numascope-bench-reservation-'));
  const peakReporter = writePeakReporter(dir);
  const rows: Row[] = [];
  try {
    for (const spec of cases(options.quick)) {
      process.stderr.write(`${spec.name}\n`);
      const sparse = await Target.start(spec.sparse);
      const dense = await Target.start(spec.dense);
      try {
        for (const [operation, measure] of [
          ['numascope move (CLI)', (pid: number) => cliMove(pid, peakReporter)],
          ['move:plan (service)', plan],
        ] as const) {
          const measured: Sample[] = [];
          const reference: Sample[] = [];
          // Alternating, so that the machine's other work falls on both alike.
          for (let round = 0; round < options.rounds; round++) {
            reference.push(await measure(dense.pid));
            measured.push(await measure(sparse.pid));
          }
          const median = (samples: Sample[], key: keyof Sample): number => summarize(samples.map((s) => s[key])).median;
          rows.push({
            case: spec.name,
            operation,
            ms: median(measured, 'ms'),
            peakMiB: median(measured, 'peakMiB'),
            referenceMs: median(reference, 'ms'),
            referencePeakMiB: median(reference, 'peakMiB'),
          });
        }
      } finally {
        await sparse.stop();
        await dense.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const header = '| case | operation | time (ms) | dense reference (ms) | peak RSS (MiB) | dense reference (MiB) |';
  const lines = [header, '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.case} | ${r.operation} | ${r.ms.toFixed(0)} | ${r.referenceMs.toFixed(0)} | ${r.peakMiB.toFixed(0)} | ${r.referencePeakMiB.toFixed(0)} |`);
  process.stdout.write(`Huge reservations (kernel ${release()}, load ${loadavg()[0]?.toFixed(2)}, median of ${options.rounds}):\n${lines.join('\n')}\n`);
  if (options.json) await writeFile(options.json, `${JSON.stringify({ kernel: release(), rounds: options.rounds, rows }, null, 2)}\n`);
}

try {
  const options = parse(process.argv.slice(2));
  if (options === null) process.stdout.write(`${USAGE}\n`);
  else await main(options);
} catch (error) {
  process.stderr.write(`bench reservation: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
