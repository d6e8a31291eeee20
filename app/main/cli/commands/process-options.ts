/**
 * What `move` and `migrate` share: one process named by pid and guarded by --expect-start,
 * and --json, which also carries the reason when the work cannot be done.
 */
import type { ProcessIdentity } from '../../../common/types.js';
import { MigratorError } from '../../migrator/index.js';
import { ProcError } from '../../proc/errors.js';
import { readIdentity } from '../../proc/identity.js';
import { type ParseArgsConfig } from 'node:util';
import { UsageError, parseCommandLine, parsePid, type CliIO, type ParsedCommandLine } from '../command.js';

/** The last lines of the commands' option lists, for the options below. */
export const PROCESS_OPTIONS_HELP = `  --expect-start T   refuse unless the process's start time (field 22 of /proc/PID/stat,
                     clock ticks after boot) is T: protects against the pid having been
                     reused since you looked. \`numascope ps\` prints T in its start column,
                     \`snapshot -o\` and \`open\` as "start T", and this command's summary too
  --json             print one JSON object instead of the summary
  -h, --help         show this help`;

const PROCESS_OPTIONS = {
  json: { type: 'boolean', default: false },
  'expect-start': { type: 'string' },
} as const;

type ProcessOptions<O> = O & typeof PROCESS_OPTIONS;

/** The command line of a command acting on one process: its own options and the ones above, and the pid. */
export function parseProcessCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: O,
): { values: ParsedCommandLine<ProcessOptions<O>>['values']; pid: number } {
  const { values, positionals } = parseCommandLine(args, { ...options, ...PROCESS_OPTIONS });
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  return { values, pid: parsePid(positionals[0]) };
}

/** An expected identity for the migrator from --expect-start, when given. */
export async function expectedIdentity(pid: number, text: string | undefined): Promise<ProcessIdentity | undefined> {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--expect-start "${text}" is not a number of clock ticks`);
  // comm and cmdline do not take part in the comparison; only pid and start time do.
  const now = await readIdentity(pid).catch(() => ({ pid, comm: '?', cmdline: [], startTime: -1 }));
  return { ...now, pid, startTime: Number(text) };
}

/**
 * Runs the command's work. Scripts reading --json get the reason it could not be done as JSON
 * on stdout too; the error still propagates, and the framework prints the line on stderr.
 */
export async function withJsonErrors<T>(pid: number, json: boolean, io: CliIO, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (json && (error instanceof MigratorError || error instanceof ProcError)) io.stdout(`${JSON.stringify({ pid, error: { code: error.code, message: error.message } })}\n`);
    throw error;
  }
}

/** The process a --json result is about, as its first fields. */
export function identityJson(identity: ProcessIdentity): { pid: number; comm: string; startTime: number } {
  return { pid: identity.pid, comm: identity.comm, startTime: identity.startTime };
}
