/** Number and address formatting for the views. Pure: runs in Node tests and the browser. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** "4 KiB", "1.5 GiB": binary units, because pages and node sizes are powers of two. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 || Number.isInteger(value) ? 0 : value >= 10 ? 1 : 2;
  const text = value.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return `${bytes < 0 ? '-' : ''}${text} ${UNITS[unit]}`;
}

/** 1234567 -> "1,234,567" (fixed separators, so tests do not depend on the locale). */
export function formatCount(count: number): string {
  const negative = count < 0;
  const digits = String(Math.round(Math.abs(count)));
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return `${negative ? '-' : ''}${groups.join(',')}`;
}

export function formatPages(pages: number): string {
  return `${formatCount(pages)} ${pages === 1 ? 'page' : 'pages'}`;
}

export function hex(address: bigint): `0x${string}` {
  return `0x${address.toString(16)}`;
}

/** Parses "0x.." (as the wire and snapshot files carry addresses). */
export function parseAddress(text: string): bigint {
  if (!/^0x[0-9a-fA-F]+$/.test(text)) throw new Error(`not a hex address: ${text}`);
  return BigInt(text);
}

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
