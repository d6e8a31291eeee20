/**
 * The landing page: the whole machine. Per node its memory and biggest holders, then every
 * process (or every cgroup) with its bytes per node, filtered by text and sorted by any
 * column, refreshed every few seconds. Picking a process opens its page view.
 */
import { useMemo, useState } from 'react';
import type { AppTransport } from '../transport/pick.js';
import { useSystemOverview } from '../hooks/useSystemOverview.js';
import { formatCount, formatDuration, plural } from '../model/format.js';
import { DEFAULT_PROCESS_SORT, nextProcessSort, processRows, type ProcessSort } from '../model/system-view.js';
import { CgroupTable } from './CgroupTable.js';
import { NodeCards } from './NodeCards.js';
import { ProcessTable } from './ProcessTable.js';

interface Props {
  transport: AppTransport;
  onPick(pid: number): void;
}

type Tab = 'processes' | 'cgroups';

export function SystemView({ transport, onPick }: Props) {
  const { overview, error, paused, setPaused, refresh } = useSystemOverview(transport);
  // Each tab keeps its own filter: a process name rarely names a cgroup.
  const [queries, setQueries] = useState<Record<Tab, string>>({ processes: '', cgroups: '' });
  const [kernelThreads, setKernelThreads] = useState(false);
  const [sort, setSort] = useState<ProcessSort>(DEFAULT_PROCESS_SORT);
  const [tab, setTab] = useState<Tab>('processes');
  const query = queries[tab];
  const setQuery = (text: string): void => setQueries((current) => ({ ...current, [tab]: text }));

  const processQuery = queries.processes;
  const rows = useMemo(() => (overview === null ? [] : processRows(overview.processes, { query: processQuery, kernelThreads, sort })), [overview, processQuery, kernelThreads, sort]);
  const order = useMemo(() => (overview === null ? [] : overview.nodes.filter((n) => n.memTotal > 0).map((n) => n.id)), [overview]);
  const listed = overview === null ? 0 : overview.processes.filter((p) => kernelThreads || !p.kernelThread).length;

  return (
    <section className="system-view" aria-label="System view" data-testid="system-view">
      {overview !== null ? <NodeCards nodes={overview.nodes} order={order} onPick={onPick} /> : null}
      <div className="system-head">
        <div className="segmented" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'processes'} className={tab === 'processes' ? 'on' : ''} onClick={() => setTab('processes')}>
            Processes
          </button>
          <button type="button" role="tab" aria-selected={tab === 'cgroups'} className={tab === 'cgroups' ? 'on' : ''} onClick={() => setTab('cgroups')} data-testid="cgroups-tab">
            cgroups{overview !== null ? ` (${overview.cgroups.groups.length})` : ''}
          </button>
        </div>
        <input
          type="search"
          autoFocus
          placeholder={tab === 'processes' ? 'filter: pid, name, arguments, user' : 'filter by path'}
          aria-label={tab === 'processes' ? 'Filter processes by pid, name, arguments or user' : 'Filter cgroups by path'}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            const first = rows.find((p) => p.readable);
            if (e.key === 'Enter' && tab === 'processes' && first !== undefined) onPick(first.pid);
          }}
        />
        {tab === 'processes' ? (
          <label className="check">
            <input type="checkbox" checked={kernelThreads} onChange={(e) => setKernelThreads(e.target.checked)} />
            kernel threads
          </label>
        ) : null}
        <button type="button" onClick={() => setPaused(!paused)} title={paused ? 'Refresh every few seconds again' : 'Stop refreshing (rows stay where they are)'}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={refresh}>
          Refresh
        </button>
        <span className="muted" data-testid="system-status">
          {overview === null
            ? 'reading…'
            : `${tab === 'processes' ? `${formatCount(rows.length)} of ${plural(listed, 'process', 'processes')}` : plural(overview.cgroups.groups.length, 'group')} · read in ${formatDuration(overview.readMs)}${paused ? ' · paused' : ''}`}
        </span>
      </div>
      {error !== null ? <p className="error">{error}</p> : null}
      {overview !== null && overview.unreadPastLimit > 0 ? (
        <p className="notice-line" data-testid="overview-capped">
          Node bytes are read for the {formatCount(overview.nodeReadLimit)} largest processes each refresh; {plural(overview.unreadPastLimit, 'smaller process', 'smaller processes')} show RSS only.
        </p>
      ) : null}
      {overview !== null && tab === 'processes' ? <ProcessTable rows={rows} order={order} sort={sort} onSort={(column) => setSort((current) => nextProcessSort(current, column))} onPick={onPick} /> : null}
      {overview !== null && tab === 'cgroups' ? <CgroupTable cgroups={overview.cgroups} order={order} query={query} /> : null}
    </section>
  );
}
