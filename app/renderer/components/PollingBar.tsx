/** Live polling: pause/resume, interval, when the last scan finished and how long it took. */
import { useEffect, useState } from 'react';
import { formatDuration } from '../model/format.js';

export interface PollingState {
  paused: boolean;
  intervalMs: number;
}

interface Props {
  polling: PollingState;
  takenAt: string | null;
  scanMs: number | null;
  sequence: number | null;
  scanProgress: { done: number; total: number } | null;
  onChange(change: Partial<PollingState>): void;
}

const INTERVALS = [250, 500, 1000, 2000, 5000, 10_000, 30_000];

/**
 * toLocaleTimeString's format, made once at load: the first locale-aware format in a page
 * loads the locale data (several ms), which would otherwise land in the first draw of a process.
 */
const TIME = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });

function ago(iso: string | null, now: number): string {
  if (iso === null) return 'not yet';
  const ms = now - Date.parse(iso);
  return ms < 1500 ? 'just now' : `${formatDuration(ms)} ago`;
}

export function PollingBar({ polling, takenAt, scanMs, sequence, scanProgress, onChange }: Props) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="polling" role="group" aria-label="Live polling">
      <button type="button" onClick={() => onChange({ paused: !polling.paused })} aria-pressed={polling.paused}>
        {polling.paused ? 'Resume' : 'Pause'}
      </button>
      <label>
        every{' '}
        <select value={polling.intervalMs} onChange={(e) => onChange({ intervalMs: Number(e.target.value) })} aria-label="Polling interval">
          {[...new Set([...INTERVALS, polling.intervalMs])]
            .sort((a, b) => a - b)
            .map((ms) => (
              <option key={ms} value={ms}>
                {formatDuration(ms)}
              </option>
            ))}
        </select>
      </label>
      <span className="muted" data-testid="last-scan">
        {polling.paused ? 'paused · ' : ''}last scan {ago(takenAt, now)}
        {takenAt !== null ? ` (${TIME.format(new Date(takenAt))})` : ''}
        {scanMs !== null ? ` · took ${formatDuration(scanMs)}` : ''}
        {sequence !== null ? ` · #${sequence}` : ''}
      </span>
      {scanProgress !== null && scanProgress.total > 0 && scanProgress.done < scanProgress.total ? (
        <span className="scan-progress">
          scanning <progress max={scanProgress.total} value={scanProgress.done} /> {Math.round((100 * scanProgress.done) / scanProgress.total)}%
        </span>
      ) : null}
    </div>
  );
}
