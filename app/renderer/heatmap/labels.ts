/**
 * Labels in a fixed width: whole, or cut short with an ellipsis, or not at all. Never a
 * word cut off with nothing to say so ("anonymo"): a reader takes that for a name.
 */

/** Fewer characters than this before the ellipsis say nothing; the label is hidden instead. */
export const MIN_ELIDED_CHARS = 3;

/** `text` if it fits `width`, else its longest prefix that fits with "…" after it, else '' (measure gives a string's width). */
export function elide(text: string, width: number, measure: (s: string) => number): string {
  if (measure(text) <= width) return text;
  let lo = 0;
  let hi = text.length - 1;
  // Longest prefix (trimmed) whose elided form fits.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(`${text.slice(0, mid).trimEnd()}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  const prefix = text.slice(0, lo).trimEnd();
  return prefix.length >= MIN_ELIDED_CHARS ? `${prefix}…` : '';
}

/** The first of `candidates` (longest first) that fits whole, else the last one elided. */
export function bestLabel(candidates: readonly string[], width: number, measure: (s: string) => number): string {
  for (const candidate of candidates) if (measure(candidate) <= width) return candidate;
  return elide(candidates[candidates.length - 1] ?? '', width, measure);
}
