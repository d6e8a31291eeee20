/**
 * `node dist/bench/startup/run.js`: how long the command line takes for what a user types
 * most, against `node -e 0` (the floor any Node program pays) measured in the same rounds.
 * Commands and the reference alternate within each round, so load on the machine moves them
 * together. Goals from the performance issue: `--help` <= 1.5x and a snapshot of a 1 MiB
 * process <= 2.5x the reference. See "CLI start-up" in docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { count, readOptions, text, UsageError } from '../cli.js';
import { summarize } from '../stats.js';
import { withTarget } from '../targets.js';

const CLI = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'bin', 'numascope.js');
const USAGE = `usage: node dist/bench/startup/run.js [--quick] [--rounds N]

Wall time of numascope commands (--help, topology, ps, snapshot of a 1 MiB process to a
file, open of that file) over node -e 0, alternating in each round. --rounds: default 21
(quick 7).`;

interface Case {
  label: string;
  argv: string[];
  goal: number | null;
}

interface Row {
  label: string;
  medianMs: number;
  minMs: number;
  ratio: number;
  goal: number | null;
}

function wallMs(argv: readonly string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${argv.join(' ')} exited ${run.status}: ${run.stderr.toString().trim()}`);
  return ms;
}

async function main(rounds: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'numascope-startup-'));
  const file = join(dir, 'small.numascope.json');
  const loadStart = loadavg()[0] ?? Number.NaN;
  try {
    const rows = await withTarget(['--anon', '1M', '--nohuge'], async (target) => {
      const cases: Case[] = [
        { label: 'numascope --help', argv: [CLI, '--help'], goal: 1.5 },
        { label: 'numascope topology', argv: [CLI, 'topology'], goal: null },
        { label: 'numascope ps', argv: [CLI, 'ps'], goal: null },
        { label: 'numascope snapshot (1 MiB process) -o FILE', argv: [CLI, 'snapshot', String(target.pid), '-o', file], goal: 2.5 },
        { label: 'numascope open FILE', argv: [CLI, 'open', file], goal: null },
      ];
      const reference: number[] = [];
      const times = cases.map((): number[] => []);
      // One unmeasured round warms the page cache for every file involved.
      wallMs(['-e', '0']);
      for (const spec of cases) wallMs(spec.argv);
      for (let round = 0; round < rounds; round++) {
        reference.push(wallMs(['-e', '0']));
        cases.forEach((spec, i) => times[i]?.push(wallMs(spec.argv)));
      }
      const base = summarize(reference);
      const measured: Row[] = [{ label: 'node -e 0 (reference)', medianMs: base.median, minMs: base.min, ratio: 1, goal: null }];
      cases.forEach((spec, i) => {
        const summary = summarize(times[i] ?? []);
        measured.push({ label: spec.label, medianMs: summary.median, minMs: summary.min, ratio: summary.median / base.median, goal: spec.goal });
      });
      return measured;
    });
    const loadEnd = loadavg()[0] ?? Number.NaN;
    const out = [
      `numascope start-up bench: Linux ${release()}, ${rounds} rounds, load average ${loadStart.toFixed(1)} -> ${loadEnd.toFixed(1)}`,
      '',
      '| command | median ms | fastest ms | median / node -e 0 | goal |',
      '| --- | ---: | ---: | ---: | --- |',
      ...rows.map((row) => {
        const goal = row.goal === null ? '' : `<= ${row.goal}x ${row.ratio <= row.goal ? 'met' : 'MISSED'}`;
        return `| ${row.label} | ${row.medianMs.toFixed(0)} | ${row.minMs.toFixed(0)} | ${row.ratio.toFixed(2)} | ${goal} |`;
      }),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  const values = readOptions(process.argv.slice(2), { quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, rounds: { type: 'string' } });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
  } else {
    const rounds = values.rounds === undefined ? (values.quick === true ? 7 : 21) : count('--rounds', text(values, 'rounds'), 1);
    process.exitCode = await main(rounds);
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(2);
}
