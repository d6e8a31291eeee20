/** `ps --cgroups`: the cgroup v2 groups holding processes, with their memory per node and allowed nodes. */
import { formatNodeList } from '../../../common/nodelist.js';
import type { CgroupOverview } from '../../../common/system-overview.js';
import { formatSize, table, terminalSafe } from '../format.js';

/** The nodes with memory, and any other node a group has bytes on. */
function nodeColumns(withMemory: readonly number[], overview: CgroupOverview): number[] {
  const nodes = new Set(withMemory);
  for (const group of overview.groups) for (const node of Object.keys(group.nodeBytes ?? {})) nodes.add(Number(node));
  return [...nodes].sort((a, b) => a - b);
}

function orDash(bytes: number | null): string {
  return bytes === null ? '-' : formatSize(bytes);
}

export function cgroupsTable(overview: CgroupOverview, withMemory: readonly number[]): string {
  const nodes = nodeColumns(withMemory, overview);
  const rows = [['procs', ...nodes.map((node) => `node${node}`), 'anon', 'file', 'mems', 'cgroup']];
  for (const group of overview.groups) {
    rows.push([
      `${group.processes}`,
      ...nodes.map((node) => (group.nodeBytes === null ? '-' : formatSize(group.nodeBytes[node] ?? 0))),
      orDash(group.anonBytes),
      orDash(group.fileBytes),
      group.memsEffective === null ? '-' : formatNodeList(group.memsEffective),
      terminalSafe(group.path),
    ]);
  }
  return table(rows);
}
