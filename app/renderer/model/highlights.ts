/**
 * Which pages the heatmaps mark as changed: against a snapshot being compared with when
 * there is one, else (live) what the latest scan changed.
 */
import type { PlacementDiff } from '../../common/snapshot/diff.js';
import type { PageSpan } from './bins.js';
import { pagesPerRegion, spansOfChanges, spansOfDiff, type ChangeMarks } from './changes.js';
import type { Layout } from './layout.js';

export interface ChangeSource {
  diff: PlacementDiff | null;
  /** The changes of the polls shown (see model/change-window.ts), only when showing a live process. */
  liveChanges: ChangeMarks | null;
  live: boolean;
}

export function highlightSpans(layout: Layout, source: ChangeSource): PageSpan[] {
  if (source.diff !== null) return spansOfDiff(layout, source.diff);
  if (source.live) return spansOfChanges(layout, source.liveChanges);
  return [];
}

/** Changed pages per region for the region table, or null when nothing is being compared or tracked. */
export function changedPagesPerRegion(layout: Layout, source: ChangeSource, highlights: readonly PageSpan[]): Map<number, number> | null {
  if (source.diff === null && (!source.live || source.liveChanges === null)) return null;
  return pagesPerRegion(layout, highlights);
}
