/** `ps --nodes`: sorting, the table and the JSON of processes with their memory per node. */
import type { ProcessNodes } from '../../proc/process-nodes.js';
import { UsageError } from '../command.js';
import { formatSize, table, terminalSafe } from '../format.js';

export type SortKey = { by: 'rss' | 'pid' | 'locality' } | { by: 'node'; node: number };

export function parseSortKey(text: string | undefined): SortKey {
  if (text === undefined || text === 'rss') return { by: 'rss' };
  if (text === 'pid' || text === 'locality') return { by: text };
  const match = /^node(\d{1,4})$/.exec(text);
  if (match) return { by: 'node', node: Number(match[1]) };
  throw new UsageError(`--sort "${text}" is not one of rss, pid, locality, node0, node1, ...`);
}

/** Whether the key needs the per-node figures. */
export function needsNodes(key: SortKey): boolean {
  return key.by === 'node' || key.by === 'locality';
}

function nodeBytes(row: ProcessNodes, node: number): number {
  return row.usage?.bytesByNode.get(node) ?? 0;
}

/**
 * Largest first for sizes; least local first for locality (the processes worth a look);
 * ascending for pid. Unknown values (unreadable processes) go last; ties by pid.
 */
export function sortProcessNodes(rows: ProcessNodes[], key: SortKey): ProcessNodes[] {
  const value = (row: ProcessNodes): number | null => {
    switch (key.by) {
      case 'rss': return -row.rss;
      case 'pid': return row.pid;
      case 'locality': return row.locality?.ratio ?? null;
      case 'node': return row.usage === null ? null : -nodeBytes(row, key.node);
    }
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a.pid - b.pid : va === null ? 1 : -1;
    return va - vb || a.pid - b.pid;
  });
}

function byNodeObject(map: ReadonlyMap<number, number>, nodes: readonly number[]): Record<string, number> {
  const object: Record<string, number> = {};
  for (const node of nodes) object[`${node}`] = map.get(node) ?? 0;
  return object;
}

/** The stable `ps --nodes --json` entry (documented in the README). */
export function processNodesJson(row: ProcessNodes, nodes: readonly number[], userName: (uid: number) => string | null): unknown {
  return {
    pid: row.pid,
    comm: row.comm,
    startTime: row.startTime,
    uid: row.uid,
    user: row.uid === null ? null : userName(row.uid),
    rss: row.rss,
    readable: row.readable,
    reason: row.reason,
    nodeBytes: row.usage === null ? null : byNodeObject(row.usage.bytesByNode, nodes),
    hugetlbBytes: row.usage === null ? null : byNodeObject(row.usage.hugetlbBytesByNode, nodes),
    totalBytes: row.usage?.totalBytes ?? null,
    threadNodes: row.locality?.threadNodes ?? null,
    locality: row.locality?.ratio ?? null,
  };
}

export function formatLocality(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '-' : `${Math.round(ratio * 100)}%`;
}

export function processNodesTable(rows: readonly ProcessNodes[], nodes: readonly number[], userName: (uid: number) => string | null, withNote: boolean): string {
  const header = ['pid', 'user', 'rss', ...nodes.map((node) => `node${node}`), 'locality', 'command', ...(withNote ? ['note'] : [])];
  const lines = [header];
  for (const row of rows) {
    const user = row.uid === null ? '-' : (userName(row.uid) ?? `${row.uid}`);
    lines.push([
      `${row.pid}`,
      terminalSafe(user),
      formatSize(row.rss),
      ...nodes.map((node) => (row.usage === null ? '-' : formatSize(nodeBytes(row, node)))),
      formatLocality(row.locality?.ratio),
      terminalSafe(row.comm),
      ...(withNote ? [terminalSafe(row.reason ?? '')] : []),
    ]);
  }
  return table(lines);
}
