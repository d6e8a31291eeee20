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
  /** For cause 'view': ms from the pan/zoom event's timeStamp to the end of this draw (includes waiting for the frame, not the paint after it). */
  sinceInput: number | null;
  /** Where the draw's time went: picking the tile and binning it, filling the ImageData, putImageData, the ruler. */
  aggregateMs: number;
  paintMs: number;
  putMs: number;
  rulerMs: number;
}

/** The user input a 'numascope:input-to-paint' or 'numascope:input-to-fine' measure follows. */
export type InputKind = 'zoom' | 'pan' | 'select' | 'key';

/** What the renderer attaches to those measures (see app/renderer/heatmap/input-latency.ts). */
export interface InputDetail {
  kind: InputKind;
  /** Whether the frame was drawn from tiles fine enough for the view everywhere. */
  fine: boolean;
  /** The finest tile that holds the whole view, as in DrawDetail.tile; '' for a selection. */
  tile: string;
}
