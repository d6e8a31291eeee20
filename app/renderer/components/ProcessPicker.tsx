/** Lists processes (process:list), searchable by pid or name; unreadable ones are greyed with the reason. */
import { pickableRow } from './pickable-row.js';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ProcessSummary } from '../../common/types.js';
import type { AppTransport } from '../transport/pick.js';
import { formatBytes, formatCount, plural } from '../model/format.js';
import { filterProcesses } from '../model/processes.js';

interface Props {
  transport: AppTransport;
  current: number | null;
  onPick(pid: number): void;
}

const SHOWN = 300;

export function ProcessPicker({ transport, current, onPick }: Props) {
  const [list, setList] = useState<ProcessSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');

  const load = useCallback(async () => {
    setError(null);
    const result = await transport.request('process:list', null);
    if (result.ok) setList(result.value);
    else setError(result.error.message);
  }, [transport]);

  useEffect(() => {
    void load();
  }, [load]);

  const matches = useMemo(() => (list === null ? [] : filterProcesses(list, query)), [list, query]);

  return (
    <div className="picker">
      <div className="picker-head">
        <input
          type="search"
          autoFocus
          placeholder="search by pid or name"
          aria-label="Search processes by pid or name"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            const first = matches.find((p) => p.readable);
            if (e.key === 'Enter' && first !== undefined) onPick(first.pid);
          }}
        />
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
        <span className="muted">{list === null ? 'loading…' : `${formatCount(matches.length)} of ${plural(list.length, 'process', 'processes')}`}</span>
      </div>
      {error !== null ? <p className="error">{error}</p> : null}
      <div className="table-scroll picker-list">
        <table className="process-table">
          <thead>
            <tr>
              <th className="num">pid</th>
              <th>name</th>
              <th className="num">RSS</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {matches.slice(0, SHOWN).map((p) => (
              <tr
                key={p.pid}
                data-pid={p.pid}
                className={`${p.readable ? '' : 'unreadable'}${p.pid === current ? ' selected' : ''}`}
                title={p.readable ? `watch pid ${p.pid}` : (p.reason ?? 'cannot be read')}
                {...pickableRow(p.readable, () => onPick(p.pid))}
              >
                <td className="num mono">{p.pid}</td>
                <td>{p.comm}</td>
                <td className="num">{p.rss > 0 ? formatBytes(p.rss) : '—'}</td>
                <td className="muted reason">{p.readable ? '' : (p.reason ?? 'not readable')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {matches.length > SHOWN ? <p className="muted">{matches.length - SHOWN} more; narrow the search.</p> : null}
      </div>
    </div>
  );
}
