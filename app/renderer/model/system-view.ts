/**
 * The system view's process table: text filter, kernel threads hidden unless asked, and the
 * order by any column. Pure, so it is tested without a browser.
 */
import type { NodeBytes, OverviewProcess } from '../../common/system-overview.js';

export type ProcessColumn = 'pid' | 'comm' | 'args' | 'user' | 'rss' | 'nodes' | 'locality';
export type SortDirection = 'ascending' | 'descending';

export interface ProcessSort {
  column: ProcessColumn;
  direction: SortDirection;
}

export const DEFAULT_PROCESS_SORT: ProcessSort = { column: 'rss', direction: 'descending' };

const TEXT_COLUMNS: readonly ProcessColumn[] = ['comm', 'args', 'user', 'pid'];

/** A header click: the same column flips; another starts ascending for text and pid, descending for amounts. */
export function nextProcessSort(current: ProcessSort, column: ProcessColumn): ProcessSort {
  if (current.column === column) return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { column, direction: TEXT_COLUMNS.includes(column) ? 'ascending' : 'descending' };
}

export function totalOf(bytes: NodeBytes | null): number {
  if (bytes === null) return 0;
  let total = 0;
  for (const value of Object.values(bytes)) total += value;
  return total;
}

/** Every term (space-separated, case-insensitive) must be found in the pid, name, arguments or user. */
export function matchesQuery(p: OverviewProcess, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const haystack = `${p.pid}\n${p.comm}\n${p.args}\n${p.user ?? ''}`.toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

export function queryTerms(query: string): string[] {
  return query.trim().toLowerCase().split(/\s+/).filter((term) => term !== '');
}

/** The sort key; null sorts last whichever the direction (an unread process has no locality). */
function keyOf(p: OverviewProcess, column: ProcessColumn): number | string | null {
  switch (column) {
    case 'pid': return p.pid;
    case 'comm': return p.comm.toLowerCase();
    case 'args': return p.args.toLowerCase();
    case 'user': return p.user;
    case 'rss': return p.rss;
    case 'nodes': return p.nodeBytes === null ? null : totalOf(p.nodeBytes);
    case 'locality': return p.locality;
  }
}

export interface ProcessRowsOptions {
  query: string;
  kernelThreads: boolean;
  sort: ProcessSort;
}

export function processRows(processes: readonly OverviewProcess[], { query, kernelThreads, sort }: ProcessRowsOptions): OverviewProcess[] {
  const terms = queryTerms(query);
  const rows = processes.filter((p) => (kernelThreads || !p.kernelThread) && matchesQuery(p, terms));
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return rows.sort((a, b) => {
    const ka = keyOf(a, sort.column);
    const kb = keyOf(b, sort.column);
    if (ka === null || kb === null) return ka === kb ? a.pid - b.pid : ka === null ? 1 : -1;
    const order = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
    return sign * order || a.pid - b.pid;
  });
}

/** The parts of a stacked node bar: one per node with bytes, in the given node order (others after). */
export function barParts(bytes: NodeBytes, order: readonly number[]): { node: number; bytes: number; share: number }[] {
  const nodes = Object.keys(bytes).map(Number);
  const ordered = [...order.filter((n) => nodes.includes(n)), ...nodes.filter((n) => !order.includes(n)).sort((a, b) => a - b)];
  const total = totalOf(bytes);
  return ordered.filter((node) => (bytes[node] ?? 0) > 0).map((node) => ({ node, bytes: bytes[node] ?? 0, share: total > 0 ? (bytes[node] ?? 0) / total : 0 }));
}
