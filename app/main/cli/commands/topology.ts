import { formatNodeList } from '../../../common/nodelist.js';
import { readTopology } from '../../system/topology.js';
import { EXIT_OK, parseCommandLine, UsageError, type Command } from '../command.js';
import { formatSize, plural, table, terminalSafe } from '../format.js';

export const topologyCommand: Command = {
  name: 'topology',
  help: `usage: numascope topology [--json]

Shows the machine's online NUMA nodes: their CPUs (memory-only nodes such as CXL
expanders have none), total and free memory, the distance matrix and memory tiers.

options:
  --json    print the topology as JSON
  -h, --help`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const topology = await readTopology();
    if (values.json) {
      io.stdout(`${JSON.stringify(topology, null, 2)}\n`);
      return EXIT_OK;
    }
    const ids = topology.nodes.map((n) => n.id);
    const rows = [['node', 'cpus', 'free', 'total', 'tier', ...ids.map((id) => `d${id}`)]];
    for (const node of topology.nodes) {
      rows.push([
        `${node.id}`,
        node.cpuless ? '(memory only)' : formatNodeList(node.cpus),
        formatSize(node.memFree),
        formatSize(node.memTotal),
        node.memoryTier === null ? '-' : `${node.memoryTier}`,
        ...node.distances.map((d) => `${d}`),
      ]);
    }
    io.stdout(`kernel ${terminalSafe(topology.kernel)}, page size ${topology.pageSize}, ${plural(topology.nodes.length, 'node')}\n${table(rows)}\n`);
    return EXIT_OK;
  },
};
