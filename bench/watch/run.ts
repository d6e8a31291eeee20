/**
 * `node dist/bench/watch/run.js`: what watching a process costs, measured from outside.
 *
 * - watch-cost: the CPU share of one core used by `numascope serve` watching a target at
 *   1 Hz (with an event stream open, as the browser page has), over a steady-state window
 *   after a warm-up, with incremental polling (the default) and with a full rescan every
 *   poll (--full-every 1, what every poll did before), for quiet dense and sparse targets and
 *   a target whose memory keeps changing.
 * - perturbation: a target counts its own work per second, unwatched and watched at 1 Hz,
 *   alternating, in the same run: a quiet one writing to the memory it has (no fault, no new
 *   mapping: every poll finds nothing changed) and one that maps, faults in and unmaps memory
 *   in a loop (every poll finds its maps and faults moved).
 *
 * See the "Cost of watching" section of docs/benchmarks.md.
 */
import { writeFile } from 'node:fs/promises';
import { loadavg, release } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Target } from '../../test/helpers/target.js';
import { count, readOptions, text, UsageError } from '../cli.js';
import { summarize } from '../stats.js';
import { withTarget } from '../targets.js';
import { cpuSeconds, ServeWatcher } from './serve-watch.js';

const PARTS = ['watch-cost', 'perturbation'] as const;
type Part = (typeof PARTS)[number];
const GOALS = { quietDense8G: 0.03, quietLarge: 0.05, perturbation: 0.98 } as const;
const INTERVAL_MS = 1000;
/** Small, so the churning target completes many cycles a second and its rate is exact to a few per mille. */
const CHURN_SIZE = '1M';

const USAGE = `usage: node dist/bench/watch/run.js [--quick] [--only watch-cost,perturbation] [--seconds N] [--warmup N] [--json FILE]

watch-cost: CPU share of one core used by numascope serve watching at 1 Hz, incremental
and with a full rescan every poll, on quiet dense 8G and 16G targets, a 64G sparse mapping
and a target whose memory keeps changing (--quick: 512M, 1G, 4G:50). perturbation: a
quiet target's pages written per second, and a mapping/faulting/unmapping target's cycles
per second, each watched at 1 Hz over unwatched.
--seconds: the measured window (default 30, quick 8); --warmup: seconds after the first scan
before it (default 5, quick 2).`;

interface Options {
  quick: boolean;
  parts: Part[];
  seconds: number;
  warmup: number;
  json: string | null;
}

function parse(argv: readonly string[]): Options | null {
  const values = readOptions(argv, { quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, only: { type: 'string' }, seconds: { type: 'string' }, warmup: { type: 'string' }, json: { type: 'string' } });
  if (values.help === true) return null;
  const quick = values.quick === true;
  const only = text(values, 'only');
  const parts = only === undefined ? [...PARTS] : only.split(',').filter((p) => p !== '');
  const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (parts.length === 0 || unknown.length > 0) throw new UsageError(`--only wants some of ${PARTS.join(',')}`);
  return {
    quick,
    parts: parts as Part[],
    seconds: values.seconds === undefined ? (quick ? 8 : 30) : count('--seconds', text(values, 'seconds'), 1),
    warmup: values.warmup === undefined ? (quick ? 2 : 5) : count('--warmup', text(values, 'warmup'), 0),
    json: text(values, 'json') ?? null,
  };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

interface CostRow {
  target: string;
  mode: 'incremental' | 'full every poll';
  cpuShare: number;
  polls: number;
  goal: number | null;
}

/** CPU share of one core used by a serve watching `target` over `seconds`, after `warmup`. */
async function measureCost(target: Target, fullEvery: number | null, options: Options): Promise<{ cpuShare: number; polls: number }> {
  const watcher = await ServeWatcher.start(target.pid, INTERVAL_MS, fullEvery);
  try {
    await sleep(options.warmup * 1000);
    const [cpu0, wall0, polls0] = [cpuSeconds(watcher.pid), performance.now(), watcher.updates];
    await sleep(options.seconds * 1000);
    const [cpu1, wall1, polls1] = [cpuSeconds(watcher.pid), performance.now(), watcher.updates];
    return { cpuShare: (cpu1 - cpu0) / ((wall1 - wall0) / 1000), polls: polls1 - polls0 };
  } finally {
    await watcher.stop();
  }
}

/** Keeps the target mapping, faulting in and unmapping for `ms`: its pages change all the time. */
function churnFor(target: Target, ms: number): Promise<number> {
  return target.churn(ms, CHURN_SIZE);
}

async function watchCost(options: Options): Promise<CostRow[]> {
  const q = options.quick;
  const cases = [
    { name: `quiet dense ${q ? '512M' : '8G'}`, args: ['--anon', q ? '512M' : '8G', '--nohuge'], goal: GOALS.quietDense8G, churn: false },
    { name: `sparse ${q ? '4G:50' : '64G:50'} (1 page in 50)`, args: ['--sparse', q ? '4G:50' : '64G:50', '--nohuge'], goal: GOALS.quietLarge, churn: false },
    { name: `dense ${q ? '512M' : '2G'}, mapping/faulting/unmapping ${CHURN_SIZE} in a loop`, args: ['--anon', q ? '512M' : '2G', '--nohuge'], goal: null, churn: true },
    { name: `quiet dense ${q ? '1G' : '16G'}`, args: ['--anon', q ? '1G' : '16G', '--nohuge'], goal: GOALS.quietLarge, churn: false },
  ];
  const rows: CostRow[] = [];
  const measure = async (spec: (typeof cases)[number], target: Target, fullEvery: number | null): Promise<void> => {
    const measured = await measureCost(target, fullEvery, options);
    const mode = fullEvery === null ? 'incremental' : 'full every poll';
    rows.push({ target: spec.name, mode, ...measured, goal: fullEvery === null ? spec.goal : null });
    log(`  ${mode}: ${(measured.cpuShare * 100).toFixed(1)}% of a core, ${measured.polls} polls`);
  };
  for (const spec of cases) {
    log(`watch-cost: ${spec.name}`);
    if (!spec.churn) {
      await withTarget(spec.args, async (target) => {
        for (const fullEvery of [null, 1]) await measure(spec, target, fullEvery);
      });
      continue;
    }
    // The churn holds the target's command line until its time is up: one target per mode.
    for (const fullEvery of [null, 1]) {
      await withTarget(spec.args, async (target) => {
        void churnFor(target, (options.seconds + options.warmup + 600) * 1000).catch(() => undefined);
        await measure(spec, target, fullEvery);
      });
    }
  }
  return rows;
}

/** A target's own work, counted while it runs for `ms`. */
interface Workload {
  name: string;
  unit: string;
  run(target: Target, ms: number): Promise<number>;
}

interface PerturbationResult {
  target: string;
  unit: string;
  unwatched: number[];
  watched: number[];
  watchedFull: number[];
  ratio: number;
  ratioFull: number;
  goal: number;
}

/** The perturbation targets' dense region. */
function perturbationSize(options: Options): string {
  return options.quick ? '1G' : '8G';
}

function workloads(options: Options): Workload[] {
  const size = perturbationSize(options);
  return [
    { name: `quiet ${size} dense target writing a word in each of its pages, over and over`, unit: 'pages written', run: (target, ms) => target.work(ms, 0) },
    { name: `${size} dense target mapping, faulting in and unmapping ${CHURN_SIZE} in a loop`, unit: 'cycles', run: churnFor },
  ];
}

async function perturbation(options: Options, workload: Workload): Promise<PerturbationResult> {
  const size = perturbationSize(options);
  const name = workload.name;
  log(`perturbation: ${name}`);
  const ms = options.seconds * 1000;
  return withTarget(['--anon', size, '--nohuge'], async (target) => {
    const rate = async (): Promise<number> => (await workload.run(target, ms)) / options.seconds;
    const during = async (fullEvery: number | null): Promise<number> => {
      const watcher = await ServeWatcher.start(target.pid, INTERVAL_MS, fullEvery);
      try {
        await sleep(options.warmup * 1000);
        return await rate();
      } finally {
        await watcher.stop();
      }
    };
    const unwatched: number[] = [];
    const watched: number[] = [];
    const watchedFull: number[] = [];
    for (let round = 0; round < (options.quick ? 1 : 2); round++) {
      unwatched.push(await rate());
      watched.push(await during(null));
      watchedFull.push(await during(1));
      log(`  round ${round + 1}: unwatched ${unwatched.at(-1)?.toFixed(0)}/s, watched ${watched.at(-1)?.toFixed(0)}/s, watched with full rescans ${watchedFull.at(-1)?.toFixed(0)}/s`);
    }
    unwatched.push(await rate());
    const base = summarize(unwatched).median;
    return { target: name, unit: workload.unit, unwatched, watched, watchedFull, ratio: summarize(watched).median / base, ratioFull: summarize(watchedFull).median / base, goal: GOALS.perturbation };
  });
}

async function main(options: Options): Promise<number> {
  const loadStart = loadavg()[0] ?? Number.NaN;
  const cost = options.parts.includes('watch-cost') ? await watchCost(options) : [];
  const perturbed: PerturbationResult[] = [];
  if (options.parts.includes('perturbation')) for (const workload of workloads(options)) perturbed.push(await perturbation(options, workload));
  const loadEnd = loadavg()[0] ?? Number.NaN;
  const out = [`numascope watch bench${options.quick ? ' (quick)' : ''}: Linux ${release()}, window ${options.seconds} s after ${options.warmup} s warm-up, polling every ${INTERVAL_MS} ms, load average ${loadStart.toFixed(1)} -> ${loadEnd.toFixed(1)}`, ''];
  if (cost.length > 0) {
    out.push('| target | polling | CPU share of one core | polls in window | goal |', '| --- | --- | ---: | ---: | --- |');
    for (const row of cost) {
      const goal = row.goal === null ? '' : `<= ${(row.goal * 100).toFixed(0)}% ${row.cpuShare <= row.goal ? 'met' : 'MISSED'}`;
      out.push(`| ${row.target} | ${row.mode} | ${(row.cpuShare * 100).toFixed(1)}% | ${row.polls} | ${goal} |`);
    }
    out.push('');
  }
  for (const result of perturbed) {
    const fmt = (values: number[]): string => values.map((v) => v.toFixed(0)).join(', ');
    out.push(
      `perturbation (${result.target}), ${result.unit} per second:`,
      `  unwatched ${fmt(result.unwatched)}; watched (incremental) ${fmt(result.watched)}; watched (full rescan every poll) ${fmt(result.watchedFull)}`,
      `  watched / unwatched: ${result.ratio.toFixed(3)} (goal >= ${result.goal}: ${result.ratio >= result.goal ? 'met' : 'MISSED'}); with a full rescan every poll: ${result.ratioFull.toFixed(3)}`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (options.json) await writeFile(options.json, `${JSON.stringify({ options, load: [loadStart, loadEnd], cost, perturbation: perturbed }, null, 2)}\n`);
  return 0;
}

let options: Options | null;
try {
  options = parse(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(2);
}
if (options === null) process.stdout.write(`${USAGE}\n`);
else process.exitCode = await main(options);
