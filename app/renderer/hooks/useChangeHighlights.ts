/** The changed pages to mark on the heatmaps and count in the region table (see model/highlights.ts). */
import { useMemo } from 'react';
import type { PlacementDiff } from '../../common/snapshot/diff.js';
import type { PageSpan } from '../model/bins.js';
import type { ChangeMarks } from '../model/changes.js';
import type { ViewData } from '../model/data.js';
import { changedPagesPerRegion, highlightSpans } from '../model/highlights.js';

const NONE: PageSpan[] = [];

export function useChangeHighlights(
  data: ViewData | null,
  diff: PlacementDiff | null,
  live: boolean,
  liveChanges: ChangeMarks | null,
): { highlights: PageSpan[]; changedPerRegion: Map<number, number> | null } {
  const highlights = useMemo(() => (data === null ? NONE : highlightSpans(data.layout, { diff, live, liveChanges })), [data, diff, live, liveChanges]);
  const changedPerRegion = useMemo(
    () => (data === null ? null : changedPagesPerRegion(data.layout, { diff, live, liveChanges }, highlights)),
    [data, diff, live, liveChanges, highlights],
  );
  return { highlights, changedPerRegion };
}
