/** The process picker's list: search by pid or name, readable processes first, biggest first. */
import type { ProcessSummary } from '../../common/types.js';

export function filterProcesses(list: readonly ProcessSummary[], query: string): ProcessSummary[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter((t) => t !== '');
  const matches = list.filter((p) => {
    const pid = String(p.pid);
    const name = p.comm.toLowerCase();
    return terms.every((term) => (/^\d+$/.test(term) ? pid.startsWith(term) || name.includes(term) : name.includes(term)));
  });
  return matches.sort((a, b) => Number(b.readable) - Number(a.readable) || b.rss - a.rss || a.pid - b.pid);
}

/** The `pid` query parameter, when it names a process. */
export function pidFromSearch(search: string): number | null {
  const value = new URLSearchParams(search).get('pid');
  if (value === null || !/^[1-9]\d{0,9}$/.test(value)) return null;
  const pid = Number(value);
  return pid <= 0x7fffffff ? pid : null;
}

/** The `interval` query parameter (poll period in ms) serve mode passes on, within the contract's bounds. */
export function intervalFromSearch(search: string): number | null {
  const value = new URLSearchParams(search).get('interval');
  if (value === null || !/^\d{3,7}$/.test(value)) return null;
  const ms = Number(value);
  return ms >= 100 && ms <= 3_600_000 ? ms : null;
}

/** The `start` query parameter: the start time the link's pid had (so a reused pid is noticed). */
export function startFromSearch(search: string): number | null {
  const value = new URLSearchParams(search).get('start');
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

/** The search string naming a process (pid and start time), or none; other parameters (the token, the interval) are kept. */
export function searchForProcess(search: string, process: { pid: number; startTime: number } | null): string {
  const params = new URLSearchParams(search);
  if (process === null) {
    params.delete('pid');
    params.delete('start');
  } else {
    params.set('pid', String(process.pid));
    params.set('start', String(process.startTime));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
