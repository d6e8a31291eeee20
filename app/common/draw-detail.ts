/**
 * What the renderer attaches to each 'numascope:draw' performance measure
 * (app/renderer/heatmap/marks.ts) and the drawing benchmark (bench/draw/) reads back.
 */

export type DrawCause = 'data' | 'view' | 'tile' | 'other';

export interface DrawDetail {
  /** What made this draw necessary: new data, a pan or zoom, a finer tile arriving, or anything else (size, highlights). */
  cause: DrawCause;
  /** False when drawn from a coarser tile while a finer one loads. */
  fine: boolean;
  /** 'runs', or 'bins' with pages per bin. */
  tile: string;
  pagesPerPixel: number;
  panels: number;
  /** For cause 'view': ms from the pan/zoom event to the end of this draw (includes waiting for the frame). */
  sinceInput: number | null;
  /** Where the draw's time went: picking the tile and binning it, filling the ImageData, putImageData, the ruler. */
  aggregateMs: number;
  paintMs: number;
  putMs: number;
  rulerMs: number;
}
