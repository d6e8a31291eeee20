/** Command line of `npm run bench` (node dist/bench/run.js), and what every benchmark's shares. */
import { parseArgs as parseNodeArgs, type ParseArgsConfig } from 'node:util';

export type Part = 'dense' | 'sparse' | 'thp' | 'eventloop';
export const PARTS: readonly Part[] = ['dense', 'sparse', 'thp', 'eventloop'];

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  sweepRounds: number;
  seconds: number;
  parts: Part[];
  json: string | null;
  strict: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]     (or: node dist/bench/run.js [options])

Compares numascope's sampler with a C reference that asks move_pages about every
mapped page, on target processes built from test/fixtures/target.c, checks that
numascope's per-page answers equal the reference's, and measures memory per page
and event-loop delay while polling.

options:
  --quick             small targets and few rounds: a smoke run of about a minute
                      (also NUMASCOPE_BENCH_QUICK=1)
  --rounds N          timed rounds per scenario, reference and numascope alternating
                      (default 5, quick 3)
  --sweep-rounds N    rounds of the sampler option sweep (one sampler option at a time);
                      0 skips it (default 3, quick 1)
  --no-sweep          same as --sweep-rounds 0
  --seconds N         how long to poll in the event-loop test (default 10, quick 3)
  --only LIST         comma-separated parts: ${PARTS.join(',')} (default all)
  --json FILE         also write every result as JSON to FILE
  --strict            exit 1 when a performance target is missed (default: only when
                      numascope's answers disagree with the reference or a run fails)
  --help              this text

Full sizes: dense --anon 4G, sparse --sparse 32G:50, thp --thp 4G, event loop
--anon 8G; peak memory is about 8 GiB (one target at a time).`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** An integer option's value, at least `min`; shared by every benchmark's command line. */
export function count(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} wants an integer >= ${min}`);
  return n;
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | undefined>;

/** The options every benchmark takes: --quick, -h/--help, --rounds N, --json FILE. */
export const COMMON_OPTIONS = {
  quick: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  rounds: { type: 'string' },
  json: { type: 'string' },
} as const satisfies OptionSpec;

/**
 * A benchmark's command line read with node:util's parseArgs: the values by option name
 * (a string option given last without its value reads as true). Anything `spec` does not
 * name, a positional argument included, is a UsageError "unknown option ARG" plus `hint`.
 */
export function readOptions(argv: readonly string[], spec: OptionSpec, hint = ' (see --help)'): OptionValues {
  const { values, tokens } = parseNodeArgs({ args: [...argv], options: spec, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    const arg = token.kind === 'option' ? (Object.hasOwn(spec, token.name) ? null : token.rawName) : token.kind === 'positional' ? token.value : '--';
    if (arg !== null) throw new UsageError(`unknown option ${arg}${hint}`);
  }
  return values;
}

/** A string option's value; undefined when it is absent or was given without one. */
export function text(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** --json's file, null when absent; a missing name (or another option in its place) is a UsageError. */
export function jsonFile(values: OptionValues): string | null {
  if (values.json === undefined) return null;
  const file = text(values, 'json');
  if (file === undefined || file === '' || file.startsWith('--')) throw new UsageError('--json wants a file name');
  return file;
}

/** --only's value when it is one of `choices`, null when absent; anything else is a UsageError. */
export function onlyChoice<T extends string>(values: OptionValues, choices: readonly T[]): T | null {
  if (values.only === undefined) return null;
  const name = text(values, 'only');
  const found = choices.find((choice) => choice === name);
  if (found === undefined) throw new UsageError(`--only wants ${choices.join(' or ')}`);
  return found;
}

function isPart(text: string): text is Part {
  return (PARTS as readonly string[]).includes(text);
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const values = readOptions(argv, {
    ...COMMON_OPTIONS,
    'sweep-rounds': { type: 'string' },
    'no-sweep': { type: 'boolean' },
    seconds: { type: 'string' },
    strict: { type: 'boolean' },
    only: { type: 'string' },
  });
  const quick = values.quick === true || env.NUMASCOPE_BENCH_QUICK === '1';
  const options: BenchOptions = {
    quick,
    rounds: quick ? 3 : 5,
    sweepRounds: quick ? 1 : 3,
    seconds: quick ? 3 : 10,
    parts: [...PARTS],
    json: null,
    strict: values.strict === true,
    help: values.help === true,
  };
  if (values.rounds !== undefined) options.rounds = count('--rounds', text(values, 'rounds'), 1);
  if (values['sweep-rounds'] !== undefined) options.sweepRounds = count('--sweep-rounds', text(values, 'sweep-rounds'), 0);
  if (values['no-sweep'] === true) options.sweepRounds = 0;
  if (values.seconds !== undefined) options.seconds = count('--seconds', text(values, 'seconds'), 1);
  if (values.json !== undefined) {
    const file = text(values, 'json');
    if (!file) throw new UsageError('--json wants a file name');
    options.json = file;
  }
  if (values.only !== undefined) {
    const list = (text(values, 'only') ?? '').split(',').filter((s) => s !== '');
    const unknown = list.filter((s) => !isPart(s));
    if (list.length === 0 || unknown.length > 0) throw new UsageError(`--only wants some of ${PARTS.join(',')}`);
    options.parts = list.filter(isPart);
  }
  return options;
}
