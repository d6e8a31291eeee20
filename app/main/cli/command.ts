/** The small framework every `numascope` sub-command is written against. */

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
  /** One line for `numascope --help`. */
  summary: string;
  /** The whole text of `numascope NAME --help`. */
  help: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Bad command-line input: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Runs node:util parseArgs (or any parser) and turns its errors into UsageError, e.g.
 * `const { values, positionals } = usage(() => parseArgs({ args, options, allowPositionals: true }))`.
 */
export function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? (error.message.split('\n')[0] ?? String(error)) : String(error));
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
export function progressLine(io: CliIO, label: string): { update(done: number, total: number): void; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      if (!io.stderrIsTTY) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
      io.stderr(`\r${label}: ${percent}% (${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} pages)\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}
