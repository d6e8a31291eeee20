/** Command line of `npm run bench` (node dist/bench/run.js). */

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

function isPart(text: string): text is Part {
  return (PARTS as readonly string[]).includes(text);
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const quick = argv.includes('--quick') || env.NUMASCOPE_BENCH_QUICK === '1';
  const options: BenchOptions = {
    quick,
    rounds: quick ? 3 : 5,
    sweepRounds: quick ? 1 : 3,
    seconds: quick ? 3 : 10,
    parts: [...PARTS],
    json: null,
    strict: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    switch (arg) {
      case '--quick':
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--rounds':
        options.rounds = count(arg, argv[++i], 1);
        break;
      case '--sweep-rounds':
        options.sweepRounds = count(arg, argv[++i], 0);
        break;
      case '--no-sweep':
        options.sweepRounds = 0;
        break;
      case '--seconds':
        options.seconds = count(arg, argv[++i], 1);
        break;
      case '--strict':
        options.strict = true;
        break;
      case '--json': {
        const file = argv[++i];
        if (!file) throw new UsageError('--json wants a file name');
        options.json = file;
        break;
      }
      case '--only': {
        const list = (argv[++i] ?? '').split(',').filter((s) => s !== '');
        const unknown = list.filter((s) => !isPart(s));
        if (list.length === 0 || unknown.length > 0) throw new UsageError(`--only wants some of ${PARTS.join(',')}`);
        options.parts = list.filter(isPart);
        break;
      }
      default:
        throw new UsageError(`unknown option ${arg} (see --help)`);
    }
  }
  return options;
}
