import { collectMetrics, renderExposition } from '../../metrics/index.js';
import { requireInspectable } from '../../proc/access.js';
import { EXIT_OK, parseCommandLine, parsePid, UsageError, type Command } from '../command.js';

export const metricsCommand: Command = {
  name: 'metrics',
  help: `usage: numascope metrics [--pid PID]... [--all]

Prints metrics in the OpenMetrics text format (what Prometheus scrapes; \`serve --metrics\`
serves the same at /metrics):

  numascope_node_memory_total_bytes{node}         each node's memory (sysfs meminfo)
  numascope_node_memory_free_bytes{node}          each node's free memory
  numascope_process_node_bytes{pid,comm,node}     a process's memory on a node, from the
                                                  totals in /proc/PID/numa_maps (the totals
                                                  numastat -p prints; no per-page scan)
  numascope_process_locality_ratio{pid,comm}      an estimate from 0 to 1: the share of that
                                                  memory on the nodes its threads last ran
                                                  on (a snapshot, not weighted by CPU time)
  numascope_scan_duration_seconds                 how long reading all this took

The process metrics are printed only for the processes named with --pid, or for every
process this user may read with --all.

options:
  --pid PID   a process to report on (repeatable)
  --all       every process this user may read
  -h, --help

example:
  numascope metrics --pid $(pidof -s postgres) | promtool check metrics`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { pid: { type: 'string', multiple: true }, all: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, { showUsage: true });
    const pids = (values.pid ?? []).map(parsePid);
    // A pid that cannot be reported on is a mistake on the command line: say why now.
    for (const pid of pids) await requireInspectable(pid);
    const families = await collectMetrics({ all: values.all === true, pids });
    io.stdout(renderExposition(families, 'openmetrics'));
    return EXIT_OK;
  },
};
