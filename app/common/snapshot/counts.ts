/** Per-status page counts as files hold them (`totals.byNode`, `totals.byStatus`). */

/** Node ids ascending, errnos by magnitude: the order the serializer writes. */
export function sortCounts(counts: Record<string, number>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(counts).sort((a, b) => Math.abs(Number(a)) - Math.abs(Number(b)))) sorted[key] = counts[key] ?? 0;
  return sorted;
}
