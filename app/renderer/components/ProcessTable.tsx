/**
 * The system view's processes: pid, name, arguments (cut in the cell, whole on hover), user,
 * RSS, bytes per node as a bar, locality; a header sorts by its column (again: the other way).
 * A readable row opens the process's page view; an unreadable one is greyed with the reason.
 */
import { pickableRow } from './pickable-row.js';
import type { OverviewProcess } from '../../common/system-overview.js';
import { formatBytes, formatPercent } from '../model/format.js';
import type { ProcessColumn, ProcessSort } from '../model/system-view.js';
import { NodeBytesBar } from './NodeBytesBar.js';

interface Props {
  rows: readonly OverviewProcess[];
  order: readonly number[];
  sort: ProcessSort;
  onSort(column: ProcessColumn): void;
  onPick(pid: number): void;
}

const COLUMNS: { column: ProcessColumn; label: string; className?: string }[] = [
  { column: 'pid', label: 'pid', className: 'num' },
  { column: 'comm', label: 'name' },
  { column: 'args', label: 'arguments' },
  { column: 'user', label: 'user' },
  { column: 'rss', label: 'RSS', className: 'num' },
  { column: 'nodes', label: 'per node' },
  { column: 'locality', label: 'locality', className: 'num' },
];

export const SHOWN_ROWS = 500;

export function ProcessTable({ rows, order, sort, onSort, onPick }: Props) {
  return (
    <div className="table-scroll system-list">
      <table className="process-table system-table">
        <thead>
          <tr>
            {COLUMNS.map(({ column, label, className }) => {
              const active = sort.column === column ? sort.direction : null;
              return (
                <th key={column} className={className} aria-sort={active ?? 'none'} data-sort={column}>
                  <button type="button" className="sort" onClick={() => onSort(column)} title={`Sort by ${label}`}>
                    {label}
                    <span className="sort-mark" aria-hidden="true">
                      {active === 'ascending' ? ' ▲' : active === 'descending' ? ' ▼' : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, SHOWN_ROWS).map((p) => (
            <tr
              key={p.pid}
              data-pid={p.pid}
              className={p.readable ? '' : 'unreadable'}
              title={p.readable ? `open pid ${p.pid}` : (p.reason ?? 'cannot be read')}
              {...pickableRow(p.readable, () => onPick(p.pid))}
            >
              <td className="num mono">{p.pid}</td>
              <td>{p.comm}</td>
              <td className="args mono" title={p.args}>
                {p.args}
              </td>
              <td>{p.user ?? '?'}</td>
              <td className="num">{p.rss > 0 ? formatBytes(p.rss) : '—'}</td>
              <td>
                <NodeBytesBar bytes={p.nodeBytes} order={order} missing={p.reason ?? undefined} />
              </td>
              <td className="num">{p.locality === null ? '—' : formatPercent(p.locality, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > SHOWN_ROWS ? <p className="muted">{rows.length - SHOWN_ROWS} more; narrow the filter.</p> : null}
    </div>
  );
}
