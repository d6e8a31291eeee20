/** What changed (between two polls, or between two snapshots) as rows to list and spans to highlight. */
import type { WireChanges } from '../../common/ipc.js';
import type { PlacementDiff } from '../../common/snapshot/diff.js';
import { describeStatus } from '../../common/errno.js';
import { mergeSpans, type PageSpan } from './bins.js';
import { positionOfAddress, regionsBetween, type Layout } from './layout.js';

export interface TransitionRow {
  from: number;
  to: number;
  pages: number;
  label: string;
}

/** Transitions, most pages first, labelled "node 0 → node 1" / "ENOENT (-2) → node 0". */
export function transitionRows(transitions: readonly { from: number; to: number; pages: number }[]): TransitionRow[] {
  return transitions
    .map((t) => ({ ...t, label: `${describeStatus(t.from)} → ${describeStatus(t.to)}` }))
    .sort((a, b) => b.pages - a.pages || a.from - b.from || a.to - b.to);
}

/** The sampled changed pages of a poll, as single-page spans of the current layout (pages no longer mapped are dropped). */
export function spansOfChanges(layout: Layout, changes: WireChanges | null): PageSpan[] {
  if (changes === null) return [];
  const spans: PageSpan[] = [];
  for (const { address } of changes.sample) {
    let value: bigint;
    try {
      value = BigInt(address);
    } catch {
      continue;
    }
    const position = positionOfAddress(layout, value);
    if (position.mapped) spans.push({ start: position.page, end: position.page + 1 });
  }
  return mergeSpans(spans);
}

/** The changed ranges of a diff, in the layout of the diff's second placement (`b`). */
export function spansOfDiff(layout: Layout, diff: PlacementDiff): PageSpan[] {
  const spans: PageSpan[] = [];
  for (const region of diff.regions) {
    const position = positionOfAddress(layout, region.start);
    if (!position.mapped) continue;
    for (const range of region.ranges) spans.push({ start: position.page + range.page, end: position.page + range.page + range.pages });
  }
  return mergeSpans(spans);
}

/** Pages of `spans` per region (keyed by the region's vma index), for the region table's "changed" column. */
export function pagesPerRegion(layout: Layout, spans: readonly PageSpan[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const span of spans) {
    for (const index of regionsBetween(layout, span.start, span.end)) {
      const region = layout.regions[index];
      if (region === undefined) continue;
      const overlap = Math.min(span.end, region.offset + region.pages) - Math.max(span.start, region.offset);
      if (overlap > 0) out.set(region.index, (out.get(region.index) ?? 0) + overlap);
    }
  }
  return out;
}
