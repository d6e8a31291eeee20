import { parseArgs } from 'node:util';
import { listProcesses } from '../../proc/list.js';
import { EXIT_OK, usage, UsageError, type Command } from '../command.js';
import { formatSize, table } from '../format.js';

export const psCommand: Command = {
  name: 'ps',
  summary: 'list processes with their resident memory and whether they can be read',
  help: `usage: numascope ps [--all] [--json]

Lists processes by resident memory, largest first, marking those whose placement
cannot be read by this user (and why).

options:
  --all    include kernel threads and processes that cannot be read
  --json   print JSON
  -h, --help`,
  async run(args, io) {
    const { values, positionals } = usage(() => parseArgs({ args, options: { all: { type: 'boolean' }, json: { type: 'boolean' } }, allowPositionals: true }));
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const processes = (await listProcesses()).filter((p) => values.all || p.readable).sort((a, b) => b.rss - a.rss);
    if (values.json) {
      io.stdout(`${JSON.stringify(processes)}\n`);
      return EXIT_OK;
    }
    const rows = [['pid', 'rss', 'command', ...(values.all ? ['note'] : [])]];
    for (const p of processes) rows.push([`${p.pid}`, formatSize(p.rss), p.comm, ...(values.all ? [p.reason ?? ''] : [])]);
    io.stdout(`${table(rows)}\n`);
    return EXIT_OK;
  },
};
