/**
 * Byte sizes and counts in words, for the CLI, the renderer and the snapshot messages alike.
 * Pure and locale-free, so the same number reads the same in every terminal, browser and test.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** |bytes| in the largest binary unit that keeps the value at least 1. */
function scaleBytes(bytes: number): { value: number; unit: (typeof UNITS)[number] } {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return { value, unit: UNITS[unit] as (typeof UNITS)[number] };
}

/** "4 KiB", "1.5 GiB", "1.23 MiB": binary units, because pages and node sizes are powers of two. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  const { value, unit } = scaleBytes(bytes);
  const digits = unit === 'B' || value >= 100 || Number.isInteger(value) ? 0 : value >= 10 ? 1 : 2;
  const text = value.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return `${bytes < 0 ? '-' : ''}${text} ${unit}`;
}

/** "16.0 MiB", "512 B": one decimal above bytes (none from 100 up), so a table column's digits line up. */
export function formatBytesInColumn(bytes: number): string {
  const { value, unit } = scaleBytes(bytes);
  const sign = bytes < 0 ? '-' : '';
  return unit === 'B' ? `${sign}${value} B` : `${sign}${value.toFixed(value >= 100 ? 0 : 1)} ${unit}`;
}

/** "256 MiB" when a binary unit divides the size, else "1000 bytes": a limit is shown exactly, never rounded. */
export function formatExactBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * 1234567 -> "1,234,567" (fixed separators, so output does not depend on the locale). Not
 * toLocaleString: ICU formatting, even through a cached Intl.NumberFormat, cost some 20 ms a
 * move under emulation (the test guests).
 */
export function formatCount(count: number): string {
  const negative = count < 0;
  const digits = String(Math.round(Math.abs(count)));
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return `${negative ? '-' : ''}${groups.join(',')}`;
}

/**
 * "1 region", "2 regions", "1,024 pages": a count with its noun in the form the count takes.
 * The one place the UI, the CLI and messages decide singular or plural; `many` for nouns
 * whose plural is not the singular plus "s" ("1 process", "3 processes").
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${Math.abs(count) === 1 ? one : many}`;
}
