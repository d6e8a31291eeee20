/**
 * Number and address formatting for the views. Pure: runs in Node tests and the browser.
 * Bytes, counts and addresses come from app/common, which the CLI and snapshot text share.
 */
export { formatBytes, formatCount, plural } from '../../common/format.js';
export { hex, parseHexAddress as parseAddress } from '../../common/address.js';

/** "12 ms", "1.4 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const share = (100 * part) / whole;
  if (share > 0 && share < 1) return '<1%';
  if (share < 100 && share > 99) return '>99%';
  return `${Math.round(share)}%`;
}

/**
 * Wall-clock time of an ISO timestamp in the viewer's locale, e.g. "14:03:27". The format is
 * made once at load: the first locale-aware format in a page loads the locale data (several ms).
 */
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });

export function formatClock(iso: string): string {
  const time = Date.parse(iso);
  return Number.isFinite(time) ? CLOCK.format(new Date(time)) : iso;
}
