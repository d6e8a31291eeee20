/**
 * Performance marks and measures the drawing benchmark (bench/draw/) reads from the page:
 * when a placement arrives, how long each heatmap draw takes and why it ran. They cost a
 * few microseconds and show up in DevTools' performance panel too.
 */

/** Marked when a placement reaches the page (a live update, or a snapshot file chosen). */
export const PLACEMENT_MARK = 'numascope:placement';
/** Measured from the latest PLACEMENT_MARK to the end of the first draw of that placement's every panel. */
export const FIRST_DRAW = 'numascope:first-draw';
/** Measured around each placement:window request, from asking to the answer's arrival (detail: the request). */
export const WINDOW_ROUND_TRIP = 'numascope:window';
/** Measured around every draw of all panels (aggregation, painting, ruler); `detail` is a DrawDetail. */
export const DRAW = 'numascope:draw';

// The detail's type lives in app/common so the drawing benchmark, compiled without the DOM, reads the same contract.
export type { DrawCause, DrawDetail } from '../../common/draw-detail.js';

export function mark(name: string, detail: unknown): void {
  // Marks serve measurement only; a page without the API (or a full buffer) loses nothing.
  try {
    performance.mark(name, { detail });
  } catch {
    // ignore
  }
}

export function measure(name: string, start: number, end: number, detail: unknown): void {
  try {
    performance.measure(name, { start, end, detail });
  } catch {
    // ignore
  }
}

/** Start time of the latest mark of this name, or null. */
export function lastMark(name: string): number | null {
  const entries = performance.getEntriesByName(name, 'mark');
  return entries[entries.length - 1]?.startTime ?? null;
}
