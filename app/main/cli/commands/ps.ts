import type { ProcessSummary } from '../../../common/types.js';
import { readCgroups } from '../../proc/cgroups.js';
import { mapLimit } from '../../proc/concurrency.js';
import { listProcesses } from '../../proc/list.js';
import { listProcessNodes, type ProcessNodes } from '../../proc/process-nodes.js';
import { readStatus } from '../../proc/status.js';
import { cpuToNodeMap, readTopology } from '../../system/topology.js';
import { readUserNames, resolveUser } from '../../system/users.js';
import { EXIT_OK, parseCommandLine, UsageError, type Command } from '../command.js';
import { formatSize, table, terminalSafe } from '../format.js';
import { cgroupsTable } from './ps-cgroups.js';
import { needsNodes, parseSortKey, processNodesJson, processNodesTable, sortProcessNodes } from './ps-nodes.js';

export const psCommand: Command = {
  name: 'ps',
  help: `usage: numascope ps [--nodes] [--sort KEY] [--comm NAME]... [--user USER] [--all] [--json]
       numascope ps --cgroups [--json]

Lists processes by resident memory, largest first, marking those whose placement
cannot be read by this user (and why). The start column is the process's start time
(field 22 of /proc/PID/stat, clock ticks after boot) in the form \`move\` and \`migrate\`
take with --expect-start, which refuses to act once the pid names another process.

With --nodes, also the bytes of each process on each node, from the totals in
/proc/PID/numa_maps (the same totals \`numastat -p PID\` prints; no per-page scan), and
its locality: the share of those bytes on the nodes its threads last ran on. Locality
is an estimate, a snapshot of where the scheduler had each thread at that moment, not
weighted by how busy each thread is and not a measure of remote accesses.

With --cgroups, the cgroup v2 groups that hold processes instead: per group, the
processes in it (not its children), anon + file bytes per node from memory.numa_stat
(which counts the group's whole subtree) and the nodes its cpuset allows
(cpuset.mems.effective). A dash means the controller is not enabled on the v2
hierarchy for that group (on a hybrid machine memory and cpuset are cgroup v1's).

options:
  --nodes        add a column per node and the locality estimate
  --cgroups      list cgroup v2 groups with their memory per node (with --json:
                 {mount, note, groups: [{path, processes, nodeBytes, anonBytes,
                 fileBytes, memsEffective}]})
  --sort KEY     rss (default, largest first), nodeN (largest on node N first),
                 locality (least local first) or pid; nodeN and locality imply --nodes
  --comm NAME    only processes whose command name (/proc/PID/comm) is NAME (repeatable)
  --user USER    only processes whose effective user is USER (a name or a uid)
  --all          include kernel threads and processes that cannot be read
  --json         print JSON (with --nodes: the fields listed in the README)
  -h, --help`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, {
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      nodes: { type: 'boolean' },
      cgroups: { type: 'boolean' },
      sort: { type: 'string' },
      comm: { type: 'string', multiple: true },
      user: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, { showUsage: true });
    if (values.cgroups) {
      const other = (['nodes', 'sort', 'comm', 'user', 'all'] as const).find((name) => values[name] !== undefined);
      if (other !== undefined) throw new UsageError(`--cgroups lists groups, not processes: it does not take --${other}`);
      const overview = await readCgroups();
      if (values.json) {
        io.stdout(`${JSON.stringify(overview)}\n`);
        return EXIT_OK;
      }
      if (overview.note !== null) io.stderr(`numascope: ${overview.note}\n`);
      io.stdout(`${cgroupsTable(overview, (await readTopology()).withMemory)}\n`);
      return EXIT_OK;
    }
    const sortKey = parseSortKey(values.sort);
    const names = await readUserNames();
    const uid = values.user === undefined ? null : resolveUser(values.user, names);
    if (values.user !== undefined && uid === null) throw new UsageError(`--user "${values.user}" is neither a uid nor a user in /etc/passwd`);
    const comms = values.comm === undefined ? null : new Set(values.comm);
    const keep = (summary: ProcessSummary, owner: number | null): boolean => (comms === null || comms.has(summary.comm)) && (uid === null || owner === uid);
    const userName = (id: number): string | null => names.get(id) ?? null;
    const all = values.all === true;

    if (values.nodes || needsNodes(sortKey)) {
      const topology = await readTopology();
      const rows = sortProcessNodes(await listProcessNodes({ cpuToNode: cpuToNodeMap(topology), unreadable: all, keep }), sortKey);
      const nodes = nodeColumns(topology.withMemory, rows);
      if (values.json) io.stdout(`${JSON.stringify(rows.map((row) => processNodesJson(row, nodes, userName)))}\n`);
      else io.stdout(`${processNodesTable(rows, nodes, userName, all)}\n`);
      return EXIT_OK;
    }

    let processes = (await listProcesses()).filter((p) => all || p.readable).filter((p) => comms === null || comms.has(p.comm));
    if (uid !== null) processes = await ownedBy(processes, uid);
    processes.sort(sortKey.by === 'pid' ? (a, b) => a.pid - b.pid : (a, b) => b.rss - a.rss);
    if (values.json) {
      io.stdout(`${JSON.stringify(processes)}\n`);
      return EXIT_OK;
    }
    const rows = [['pid', 'start', 'rss', 'command', ...(all ? ['note'] : [])]];
    for (const p of processes) rows.push([`${p.pid}`, `${p.startTime}`, formatSize(p.rss), terminalSafe(p.comm), ...(all ? [terminalSafe(p.reason ?? '')] : [])]);
    io.stdout(`${table(rows)}\n`);
    return EXIT_OK;
  },
};

/** The nodes with memory, and any other node a process has pages on. */
function nodeColumns(withMemory: readonly number[], rows: readonly ProcessNodes[]): number[] {
  const nodes = new Set(withMemory);
  for (const row of rows) for (const node of row.usage?.bytesByNode.keys() ?? []) nodes.add(node);
  return [...nodes].sort((a, b) => a - b);
}

async function ownedBy(processes: ProcessSummary[], uid: number): Promise<ProcessSummary[]> {
  const owners = await mapLimit(processes, 32, (p) => readStatus(p.pid).then((status) => status.euid, () => null));
  return processes.filter((_, i) => owners[i] === uid);
}
