/**
 * `npm run bench`: numascope's sampler against a C reference on real target processes.
 * See --help (bench/cli.ts) and docs/benchmarks.md for the method and the latest numbers.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { hex } from '../app/common/address.js';
import { parseArgs, USAGE, UsageError, type BenchOptions } from './cli.js';
import { runEventLoop, type EventLoopResult } from './eventloop.js';
import { buildReference } from './reference.js';
import { detailLines, otherTable, scenarioTable, sweepTable, type MemoryRow } from './report.js';
import { runScenario, type ScenarioResult, type ScenarioSpec, type Variant } from './scenarios.js';
import { thpMode } from './targets.js';

// The goals the sampler is held to (from the performance issue): numascope time over the
// reference's, bytes per tracked page, event-loop p99 in ms.
const GOALS = { dense: 1.1, sparse: 0.15, thp: 0.1, bytesPerPage: 2, eventLoopP99Ms: 20 } as const;

function scenarios(quick: boolean): Record<'dense' | 'sparse' | 'thp', ScenarioSpec> {
  return {
    dense: { name: 'dense', args: ['--anon', quick ? '256M' : '4G', '--nohuge'], maxRatio: GOALS.dense },
    sparse: { name: 'sparse', args: ['--sparse', quick ? '2G:50' : '32G:50', '--nohuge'], maxRatio: GOALS.sparse },
    thp: { name: 'thp', args: ['--thp', quick ? '256M' : '4G'], maxRatio: GOALS.thp, needsThp: true },
  };
}

/**
 * Each knob of the sampler moved away from its default on its own, so a change of default can
 * be judged against the reference in the same rounds.
 */
function sweepVariants(): Variant[] {
  return [
    { label: 'defaults', options: {} },
    { label: 'chunkPages 4096', options: { chunkPages: 4096 } },
    { label: 'chunkPages 65536', options: { chunkPages: 65536 } },
    { label: 'windowPages 16384', options: { windowPages: 16384 } },
    { label: 'windowPages 262144', options: { windowPages: 262144 } },
    { label: 'pipeline false (every call in place on the worker)', options: { pipeline: false } },
    { label: 'adaptive false (presence looked up for every window)', options: { adaptive: false } },
    { label: "strategy 'pagemap-read' (the fallback before Linux 6.7)", options: { strategy: 'pagemap-read' } },
    { label: "strategy 'full' (every mapped page asked about)", options: { strategy: 'full' } },
  ];
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(options: BenchOptions): Promise<number> {
  const referenceBinary = buildReference();
  const specs = scenarios(options.quick);
  const results: ScenarioResult[] = [];
  let loop: EventLoopResult | null = null;
  const errors: string[] = [];
  const settings = { rounds: options.rounds, sweepRounds: options.sweepRounds, variants: sweepVariants(), referenceBinary, log };
  const started = new Date();
  // Other work on the machine moves every number here; the load says how much there was.
  const loadAtStart = loadavg()[0] ?? Number.NaN;

  for (const part of options.parts) {
    try {
      if (part === 'eventloop') {
        loop = await runEventLoop(options.quick ? '512M' : '8G', options.seconds, GOALS.eventLoopP99Ms, log);
      } else {
        results.push(await runScenario(specs[part], settings));
      }
    } catch (error) {
      // One broken part should not hide the numbers of the others.
      const message = error instanceof Error ? error.message : String(error);
      errors.push(`${part}: ${message}`);
      log(`${part} failed: ${message}`);
    }
  }

  const perPage = [...results.map((r) => r.bytesPerPage), ...(loop ? [loop.bytesPerPage] : [])].filter(Number.isFinite);
  const memory: MemoryRow | null = perPage.length > 0 ? { bytesPerPage: Math.max(...perPage), max: GOALS.bytesPerPage, pass: Math.max(...perPage) <= GOALS.bytesPerPage } : null;

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    thp: await thpMode(),
    date: started.toISOString(),
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? Number.NaN },
  };
  const out: string[] = [
    '',
    `numascope bench${options.quick ? ' (quick)' : ''}: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}, THP ${machine.thp}, ${machine.date}, load average ${machine.loadAverage.start.toFixed(1)} -> ${machine.loadAverage.end.toFixed(1)}`,
    `rounds ${options.rounds}, sweep rounds ${options.sweepRounds}; times are wall-clock ms per whole-process scan; ratio = numascope / reference (medians; min/min in parentheses)`,
    '',
  ];
  const busiest = Math.max(machine.loadAverage.start, machine.loadAverage.end);
  if (busiest > machine.cpus) {
    out.push(`warning: load average ${busiest.toFixed(1)} on ${machine.cpus} CPUs: other work competed for the CPUs, so times are noisy; trust ratios over absolute times`, '');
  }
  if (results.length > 0) out.push(scenarioTable(results), '');
  if (memory || loop) out.push(otherTable(memory, loop), '');
  out.push(detailLines(results, loop));
  const sweep = sweepTable(results);
  if (sweep) out.push('', 'sampler options (median ms, ratio to the reference of the same rounds):', sweep);
  if (errors.length > 0) out.push('', ...errors.map((e) => `error: ${e}`));
  process.stdout.write(`${out.join('\n')}\n`);

  if (options.json) {
    const json = JSON.stringify({ machine, options, goals: GOALS, scenarios: results, memory, eventLoop: loop, errors }, (_key, value: unknown) => (typeof value === 'bigint' ? hex(value) : value), 2);
    await writeFile(options.json, `${json}\n`);
    log(`results written to ${options.json}`);
  }

  const answersDiffer = results.some((r) => !(r.verifyDefault.ok && r.verifyNaive.ok && r.defaultEqualsNaive.ok && r.checksumsAgree));
  const goalMissed = results.some((r) => !r.pass) || (memory !== null && !memory.pass) || (loop !== null && !loop.pass);
  if (errors.length > 0 || answersDiffer) return 1;
  return options.strict && goalMissed ? 1 : 0;
}

let options: BenchOptions;
try {
  options = parseArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
} else {
  process.exitCode = await main(options);
}
