import { listProcesses } from '../../proc/list.js';
import { EXIT_OK, parseCommandLine, UsageError, type Command } from '../command.js';
import { formatSize, table, terminalSafe } from '../format.js';

export const psCommand: Command = {
  name: 'ps',
  help: `usage: numascope ps [--all] [--json]

Lists processes by resident memory, largest first, marking those whose placement
cannot be read by this user (and why). The start column is the process's start time
(field 22 of /proc/PID/stat, clock ticks after boot) in the form \`move\` and \`migrate\`
take with --expect-start, which refuses to act once the pid names another process.

options:
  --all    include kernel threads and processes that cannot be read
  --json   print JSON
  -h, --help`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { all: { type: 'boolean' }, json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, { showUsage: true });
    const processes = (await listProcesses()).filter((p) => values.all || p.readable).sort((a, b) => b.rss - a.rss);
    if (values.json) {
      io.stdout(`${JSON.stringify(processes)}\n`);
      return EXIT_OK;
    }
    const rows = [['pid', 'start', 'rss', 'command', ...(values.all ? ['note'] : [])]];
    for (const p of processes) rows.push([`${p.pid}`, `${p.startTime}`, formatSize(p.rss), terminalSafe(p.comm), ...(values.all ? [terminalSafe(p.reason ?? '')] : [])]);
    io.stdout(`${table(rows)}\n`);
    return EXIT_OK;
  },
};
