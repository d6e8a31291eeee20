/**
 * Every region of the shown placement with its size, permissions, pages per node and a bar
 * of where its pages are. Clicking a row selects the region and zooms the heatmaps to it;
 * ctrl/cmd or shift adds to the selection. Rows are buttons for the keyboard (Enter / Space).
 * A header sorts by its column (again: the other way); aria-sort says which.
 */
import { memo, useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { RegionSummary, ViewData } from '../model/data.js';
import { formatBytes, formatCount, formatPercent, hex, plural } from '../model/format.js';
import { regionMatches } from '../model/find.js';
import type { LayoutRegion } from '../model/layout.js';
import { nextSort, sameColumn, sortRegions, type RegionSort, type SortColumn } from '../model/region-sort.js';
import { HATCH_CSS, nodeColour } from '../heatmap/palette.js';
import { describeStatus } from '../../common/errno.js';

interface Props {
  data: ViewData;
  /** Regions with no page present are left out (of the heatmaps too: the data given here already lacks them). */
  hideEmpty: boolean;
  onHideEmpty(hide: boolean): void;
  selected: ReadonlySet<number>;
  /** Pages changed per region (index into the layout), when changes are shown. */
  changed: Map<number, number> | null;
  onSelect(index: number, additive: boolean): void;
  /** Heat of each region's present pages, when a measurement is shown (model/heat.ts). */
  heat?: ReadonlyMap<number, number> | null;
  /** Locality per region, when the measurement's report is shown. */
  locality?: ReadonlyMap<number, number | null> | null;
}

export function RegionTable({ data, hideEmpty, onHideEmpty, selected, changed, onSelect, heat = null, locality = null }: Props) {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<RegionSort | null>(null);
  const rows = useMemo(() => {
    const term = filter.trim().toLowerCase();
    const shown = data.layout.regions.filter((region) => {
      const summary = data.summaries[region.index];
      if (hideEmpty && summary !== undefined && summary.pages === summary.absent) return false;
      return regionMatches(region, term);
    });
    return sortRegions(shown, sort, { summaries: data.summaries, changed, heat, locality });
  }, [data, filter, hideEmpty, sort, changed, heat, locality]);
  const header = (column: SortColumn, label: string, className?: string) => (
    <SortableHeader key={column.by === 'node' ? `node${column.node}` : column.by} column={column} label={label} sort={sort} className={className} onSort={(c) => setSort((s) => nextSort(s, c))} />
  );
  // Hidden regions leave the layout but keep their summaries: the count is of every region.
  const total = data.summaries.length;

  return (
    <section className="regions" aria-label="Regions">
      <div className="section-head">
        <strong>Regions</strong>
        <span className="muted">
          {rows.length === total ? plural(total, 'region') : `${formatCount(rows.length)} of ${plural(total, 'region')}`} · click to select and zoom ·
          ctrl/shift-click to add · click a heading to sort
        </span>
        <input type="search" data-shortcut="filter" placeholder="filter: name, perms, address" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter regions" />
        <label className="check">
          <input type="checkbox" checked={hideEmpty} onChange={(e) => onHideEmpty(e.target.checked)} data-testid="hide-empty" /> hide regions with no pages present
        </label>
      </div>
      <div className="table-scroll">
        <table className="region-table">
          <thead>
            <tr>
              {header({ by: 'start' }, 'start')}
              {header({ by: 'name' }, 'name')}
              <th>perms</th>
              {header({ by: 'size' }, 'size', 'num')}
              {header({ by: 'present' }, 'present', 'num')}
              {data.panelNodes.map((node) => header({ by: 'node', node }, `node ${node}`, 'num'))}
              <th>where</th>
              {changed !== null ? header({ by: 'changed' }, 'changed', 'num') : null}
              {heat !== null ? header({ by: 'heat' }, 'heat', 'num') : null}
              {locality !== null ? header({ by: 'locality' }, 'locality', 'num') : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((region) => (
              <RegionRow
                key={`${region.start}`}
                region={region}
                summary={data.summaries[region.index]}
                nodes={data.panelNodes}
                pageSize={data.layout.pageSize}
                selected={selected.has(region.index)}
                changed={changed === null ? null : (changed.get(region.index) ?? 0)}
                heat={heat === null ? undefined : (heat.get(region.index) ?? 0)}
                locality={locality === null ? undefined : (locality.get(region.index) ?? null)}
                onSelect={onSelect}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

interface RowProps {
  region: LayoutRegion;
  summary: RegionSummary | undefined;
  nodes: readonly number[];
  pageSize: number;
  selected: boolean;
  changed: number | null;
  /** Undefined: no column. */
  heat: number | undefined;
  locality: number | null | undefined;
  onSelect(index: number, additive: boolean): void;
}

const RegionRow = memo(function RegionRow({ region, summary, nodes, pageSize, selected, changed, heat, locality, onSelect }: RowProps) {
  const pages = summary?.pages ?? region.pages;
  const present = pages - (summary?.absent ?? 0);
  const select = (event: MouseEvent | KeyboardEvent): void => onSelect(region.index, event.ctrlKey || event.metaKey || event.shiftKey);
  return (
    <tr
      data-vma-start={hex(region.start)}
      data-vma-end={hex(region.end)}
      className={selected ? 'selected' : undefined}
      tabIndex={0}
      aria-selected={selected}
      onClick={select}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          select(event);
        }
      }}
    >
      <td className="mono">{hex(region.start)}</td>
      <td className="name" title={region.path || region.name}>
        {region.name}
      </td>
      <td className="mono">{region.perms}</td>
      <td className="num">{formatBytes(pages * pageSize)}</td>
      <td className="num" title={`${formatCount(present)} of ${plural(pages, 'page')}`}>
        {formatPercent(present, pages)}
      </td>
      {nodes.map((node) => (
        <td key={node} className="num" data-node-pages={node}>
          {formatCount(summary?.byNode.get(node) ?? 0)}
        </td>
      ))}
      <td>{summary !== undefined ? <NodeBar summary={summary} nodes={nodes} /> : null}</td>
      {changed !== null ? <td className="num">{changed > 0 ? formatCount(changed) : ''}</td> : null}
      {heat !== undefined ? (
        <td className="num" data-heat={heat}>
          {heat > 0 ? heat.toFixed(2) : ''}
        </td>
      ) : null}
      {locality !== undefined ? (
        <td className="num" data-locality={locality ?? ''}>
          {locality === null ? '' : locality.toFixed(2)}
        </td>
      ) : null}
    </tr>
  );
});

function NodeBar({ summary, nodes }: { summary: RegionSummary; nodes: readonly number[] }) {
  if (summary.pages === 0) return <div className="nodebar empty" />;
  const parts: { key: string; share: number; background: string; label: string }[] = [];
  for (const [node, pages] of summary.byNode) {
    const slot = nodes.indexOf(node);
    parts.push({ key: `n${node}`, share: pages / summary.pages, background: nodeColour(slot < 0 ? nodes.length : slot), label: `node ${node}: ${formatCount(pages)}` });
  }
  if (summary.absent > 0) {
    const statuses = [...summary.byStatus].map(([status, pages]) => `${describeStatus(status)}: ${formatCount(pages)}`).join(', ');
    parts.push({ key: 'absent', share: summary.absent / summary.pages, background: HATCH_CSS, label: `not present (${statuses})` });
  }
  return (
    <div className="nodebar" title={parts.map((p) => p.label).join('\n')}>
      {parts.map((part) => (
        <div key={part.key} style={{ width: `${100 * part.share}%`, background: part.background }} />
      ))}
    </div>
  );
}

interface HeaderProps {
  column: SortColumn;
  label: string;
  sort: RegionSort | null;
  className: string | undefined;
  onSort(column: SortColumn): void;
}

function SortableHeader({ column, label, sort, className, onSort }: HeaderProps) {
  const active = sort !== null && sameColumn(sort.column, column) ? sort.direction : null;
  return (
    <th className={className} aria-sort={active ?? 'none'} data-sort={column.by === 'node' ? `node${column.node}` : column.by}>
      <button type="button" className="sort" onClick={() => onSort(column)} title={`Sort by ${label}`}>
        {label}
        <span className="sort-mark" aria-hidden="true">
          {active === 'ascending' ? ' ▲' : active === 'descending' ? ' ▼' : ''}
        </span>
      </button>
    </th>
  );
}
