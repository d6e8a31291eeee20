/** The small framework every `numascope` sub-command is written against. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatCount } from './format.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: progress is drawn only there. */
  stderrIsTTY: boolean;
  /** Aborted on SIGINT/SIGTERM so long work can stop cleanly. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** The whole text of `numascope NAME --help`. */
  help: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/**
 * Bad command-line input: printed with a pointer to --help (or, for a wrong option, with the
 * command's usage line), exit status 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly showUsage: boolean;
  constructor(message: string, options: { showUsage?: boolean } = {}) {
    super(message);
    this.showUsage = options.showUsage === true;
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export type ParsedCommandLine<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** Edit distance counting a swap of two neighbours as one edit ("--form" for "--from"). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The known option a mistyped one most likely meant, or null when none is close. */
export function closestOption(typed: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = name.startsWith(typed) ? 0.5 : distance(typed, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return bestDistance <= Math.max(1, Math.floor(typed.length / 3)) ? best : null;
}

/**
 * Checks every option against the command's list before node:util parseArgs sees them, so
 * mistakes are reported in numascope's words (parseArgs's own messages span several lines and
 * quote unevenly). A string option followed by a negative number takes it as its value, so the
 * command's own check can say what the value should be ("--to -1" is not a node).
 */
function checkOptions(args: readonly string[], options: OptionsConfig): string[] {
  const long = Object.keys(options);
  const byShort = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const checked: string[] = [];
  // Positionals go after a "--", so one that looks like a negative number ("-1") reaches the
  // command's own check instead of being taken for an option.
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const isLong = arg.startsWith('--');
    const name = isLong ? (arg.slice(2).split('=')[0] ?? '') : (byShort.get(arg.slice(1, 2)) ?? '');
    const option = Object.hasOwn(options, name) ? options[name] : undefined;
    if (!option) {
      const typed = isLong ? `--${name}` : arg.slice(0, 2);
      const guess = isLong ? closestOption(name, long) : null;
      throw new UsageError(`unknown option ${typed}${guess ? ` (did you mean --${guess}?)` : ''}`, { showUsage: true });
    }
    const inline = isLong ? arg.includes('=') : arg.length > 2;
    if (option.type === 'boolean') {
      if (inline) throw new UsageError(`--${name} takes no value`, { showUsage: true });
      checked.push(arg);
      continue;
    }
    if (inline) {
      checked.push(isLong ? arg : `--${name}=${arg.slice(2)}`);
      continue;
    }
    const next = args[i + 1];
    if (next === undefined) throw new UsageError(`--${name} needs a value`, { showUsage: true });
    if (next.startsWith('-') && next !== '-' && !/^-\d/.test(next)) {
      throw new UsageError(`--${name} needs a value, but is followed by the option ${next}`, { showUsage: true });
    }
    checked.push(`--${name}=${next}`);
    i++;
  }
  return [...checked, '--', ...positionals];
}

/** node:util parseArgs in strict mode, with numascope's messages for unknown or incomplete options. */
export function parseCommandLine<O extends OptionsConfig>(args: readonly string[], options: O): ParsedCommandLine<O> {
  const checked = checkOptions(args, options);
  try {
    return parseArgs({ args: checked, options, allowPositionals: true, strict: true });
  } catch (error) {
    // checkOptions lets through only what parseArgs accepts; this is a safety net.
    throw new UsageError(error instanceof Error ? (error.message.split('\n')[0] ?? String(error)) : String(error), { showUsage: true });
  }
}

export function parsePid(text: string | undefined): number {
  if (text === undefined) throw new UsageError('missing <pid>');
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 0x7fffffff) throw new UsageError(`"${text}" is not a process id`);
  return Number(text);
}

/**
 * A progress line on stderr, redrawn at most every 100 ms, only when stderr is a
 * terminal (so logs and pipes stay clean). Call `done()` to clear it.
 */
export function progressLine(io: CliIO, label: string, unit = 'pages'): { update(done: number, total: number): void; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      if (!io.stderrIsTTY) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
      io.stderr(`\r${label}: ${percent}% (${formatCount(done)} / ${formatCount(total)} ${unit})\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}
