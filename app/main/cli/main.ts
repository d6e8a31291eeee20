/** `numascope` command-line entry: dispatches to sub-commands, maps failures to exit codes. */
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, closestOption, type CliIO, type Command } from './command.js';
import { commands } from './commands/index.js';
import { terminalSafe } from './format.js';
import { EXIT_BROKEN_PIPE, isBrokenPipe, osReason } from '../files/errno.js';
import { TOOL } from '../tool.js';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: numascope <command> [options]',
    '',
    'See where a process\'s memory lives across NUMA nodes, page by page, and move it.',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `numascope <command> --help` for the options of one command.',
  ].join('\n');
}

let guarded = false;

/**
 * A failed write to stdout surfaces as an 'error' event, often after the command has returned,
 * and without a listener Node prints a stack. Instead: a closed pipe (`| head -c 10`) ends the
 * process quietly with 128 + SIGPIPE, as `cat` or `grep` would; any other failure (ENOSPC on
 * /dev/full, EIO, ...) is one line and exit 1. There is nothing left to say on a broken stderr.
 * The listeners stay for the life of the process, since the errors can come after main returns.
 */
function guardStandardStreams(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (error) => {
    if (isBrokenPipe(error)) process.exit(EXIT_BROKEN_PIPE);
    process.stderr.write(`numascope: cannot write to standard output: ${osReason(error)}\n`);
    process.exit(EXIT_FAILURE);
  });
  process.stderr.on('error', () => undefined);
}

function defaultIO(signal: AbortSignal): CliIO {
  guardStandardStreams();
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    signal,
  };
}

/** The first line of a command's help: "usage: numascope NAME ...". */
function usageLine(command: Command): string {
  return command.help.split('\n')[0] ?? `usage: numascope ${command.name}`;
}

/** Turns any failure into the contract's one-line reason. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

export async function main(argv: string[], io?: CliIO): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  const ownSignals = io === undefined;
  if (ownSignals) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  const out = io ?? defaultIO(controller.signal);
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      out.stdout(`${topHelp()}\n`);
      return name === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (name === '--version') {
      out.stdout(`${TOOL.name} ${TOOL.version}\n`);
      return EXIT_OK;
    }
    const entry = commands.find((c) => c.name === name);
    if (!entry) {
      const guess = closestOption(name, commands.map((c) => c.name));
      out.stderr(`numascope: unknown command "${terminalSafe(name)}"${guess ? ` (did you mean ${guess}?)` : ''} (see numascope --help)\n`);
      return EXIT_USAGE;
    }
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      out.stdout(`${command.help}\n`);
      return EXIT_OK;
    }
    try {
      return await command.run(rest, out);
    } catch (error) {
      if (isBrokenPipe(error)) return EXIT_BROKEN_PIPE;
      if (error instanceof UsageError) {
        const pointer = error.showUsage ? `; ${usageLine(command)}` : ` (see numascope ${command.name} --help)`;
        out.stderr(`numascope ${command.name}: ${terminalSafe(error.message)}${pointer}\n`);
        return EXIT_USAGE;
      }
      out.stderr(`numascope ${command.name}: ${terminalSafe(describeError(error))}\n`);
      return EXIT_FAILURE;
    }
  } finally {
    if (ownSignals) {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }
}
