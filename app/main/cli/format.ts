/** Text formatting shared by the CLI commands. */

export { formatBytesInColumn as formatSize, formatCount, plural } from '../../common/format.js';
export { hex } from '../../common/address.js';

/** Left-aligned columns; the last column is not padded. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/**
 * Text from processes and files (a process name, a command line, a mapped file's path, a
 * snapshot's fields) made safe to print on a terminal: any process may name itself
 * "\e]0;...", and printed raw that would retitle the window, move the cursor or hide text.
 * C0 and C1 control characters and DEL become \xNN escapes, and the Unicode controls that
 * reorder or break lines (bidi overrides and isolates, line and paragraph separators) become
 * \u{NNNN}, so what is printed is what is there.
 */
export function terminalSafe(text: string): string {
  // Matching control characters is the point of this expression.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
