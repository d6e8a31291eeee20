/**
 * The region table shows the placement the heatmaps have drawn, rendered in a transition once
 * that picture has been painted. For 512 regions it takes about 90 ms to render and 150-190 ms
 * of style and layout on a slow machine. As a deferred value it started right after the
 * heatmaps' commit; committed before their frame, it would have that frame begin with the
 * table's layout, and the heatmaps would wait for it.
 */
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import type { ViewData } from '../model/data.js';
import { sameProcess } from '../model/shown-identity.js';
import { afterNextPaint } from '../heatmap/scheduler.js';

/** `onDataDrawn` is stable; give it to the heatmaps. `tableData` is what the table may show now. */
export function useSettledTable(data: ViewData | null): { tableData: ViewData | null; onDataDrawn(drawn: ViewData): void } {
  const [drawnData, setDrawnData] = useState<ViewData | null>(null);
  const cancelSettle = useRef<(() => void) | null>(null);
  const onDataDrawn = useCallback((drawn: ViewData) => {
    cancelSettle.current?.();
    cancelSettle.current = afterNextPaint(() => {
      cancelSettle.current = null;
      startTransition(() => setDrawnData(drawn));
    });
  }, []);
  useEffect(() => () => cancelSettle.current?.(), []);
  // Nothing shown (another process is being scanned, or the same one again): the next placement starts without a table.
  useEffect(() => {
    if (data !== null) return;
    cancelSettle.current?.();
    cancelSettle.current = null;
    setDrawnData(null);
  }, [data]);
  // Another process's rows never show, not even for the frame before its heatmaps are drawn.
  const tableData = data !== null && drawnData !== null && sameProcess(drawnData.summary, data.summary) ? drawnData : null;
  return { tableData, onDataDrawn };
}
