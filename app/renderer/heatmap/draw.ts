/**
 * Paints one node's heatmap: a column per bin, coloured by the share of the bin's present
 * pages on this node (one ImageData, put once); the bin's share of pages not present fills
 * the bottom of the column with a hatch, so both facts read at once. Changed pages mark the
 * top of their column. Hatch, markers and region separators are drawn on top with the 2D
 * context.
 */
import type { Bins } from '../model/bins.js';
import { COLOURS, PACKED, RAMP } from './palette.js';

export interface PaintOptions {
  /** Rows at the top of a column that mark changed pages. */
  markerRows: number;
  /** Period of the hatch in device pixels. */
  hatchPeriod: number;
}

/** Reusable per-canvas buffers, so a redraw allocates nothing when the size is unchanged. */
const images = new WeakMap<HTMLCanvasElement, ImageData>();

export function imageFor(canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D): ImageData {
  const known = images.get(canvas);
  if (known !== undefined && known.width === canvas.width && known.height === canvas.height) return known;
  const image = ctx.createImageData(canvas.width, canvas.height);
  images.set(canvas, image);
  return image;
}

/** What paintHeatmap leaves for the 2D context to draw over the colours. */
export interface Overlay {
  /** Per column, the first row of the hatch (the image height: no hatch). */
  hatchFrom: Int32Array;
  /** Columns that hold changed pages. */
  changed: number[];
}

/**
 * Fills the ImageData with each column's colour (every row the same, so a row is one native
 * copy) and returns where the hatch and the change markers go. Drawing those as a few
 * rectangles (drawOverlay) instead of pixel by pixel keeps even the first draw, before the
 * JIT has compiled anything, to a few milliseconds.
 */
export function paintHeatmap(image: ImageData, bins: Bins, slot: number, changed: Uint32Array | null, options: Pick<PaintOptions, 'markerRows'>): Overlay {
  const width = image.width;
  const height = image.height;
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
  const columns = Math.min(width, bins.view.width);
  const colour = new Uint32Array(width).fill(PACKED.background);
  const hatchFrom = new Int32Array(width).fill(height);
  const onNode = bins.onNode;
  const offset = slot * bins.view.width;
  for (let b = 0; b < columns; b++) {
    const total = bins.total[b] as number;
    if (total === 0) continue;
    // Bins drawn from a binned tile hold shares (fractions): a bin all of one kind may come out a hair off.
    const slack = total * 1e-9;
    const absent = (bins.absent[b] as number) <= slack ? 0 : (bins.absent[b] as number);
    const present = total - absent <= slack ? 0 : total - absent;
    if (present > 0) colour[b] = RAMP[Math.min(255, Math.max(0, Math.round((255 * (onNode[offset + b] as number)) / present)))] as number;
    if (absent > 0) {
      let rows = Math.round((height * present) / total);
      // Keep a sliver of either kind visible, however lopsided the bin.
      if (present > 0 && rows === 0) rows = 1;
      if (rows === height) rows = height - 1;
      hatchFrom[b] = rows;
    }
  }
  for (let y = 0; y < height; y++) pixels.set(colour, y * width);
  const marked: number[] = [];
  if (changed !== null && options.markerRows > 0) for (let x = 0; x < columns; x++) if ((changed[x] as number) > 0) marked.push(x);
  return { hatchFrom, changed: marked };
}

const patterns = new WeakMap<CanvasRenderingContext2D, { period: number; pattern: CanvasPattern }>();
/**
 * The tiles are shared by every panel (and made by the start-up warm-up), so a new panel's
 * first draw only wraps one in a pattern instead of making and filling a canvas of its own.
 */
const hatchTiles = new Map<number, HTMLCanvasElement>();

/** The diagonal hatch as a repeating tile: pixel (x, y) is dark when (x + y) mod period < period / 3. */
function hatchTile(period: number): HTMLCanvasElement | null {
  const known = hatchTiles.get(period);
  if (known !== undefined) return known;
  const tile = document.createElement('canvas');
  tile.width = period;
  tile.height = period;
  const tileCtx = tile.getContext('2d');
  if (tileCtx === null) return null;
  const image = tileCtx.createImageData(period, period);
  const pixels = new Uint32Array(image.data.buffer);
  const dark = Math.max(1, Math.round(period / 3));
  for (let y = 0; y < period; y++) for (let x = 0; x < period; x++) pixels[y * period + x] = (x + y) % period < dark ? PACKED.hatchDark : PACKED.hatchLight;
  tileCtx.putImageData(image, 0, 0);
  hatchTiles.set(period, tile);
  return tile;
}

function hatchPattern(ctx: CanvasRenderingContext2D, period: number): CanvasPattern | null {
  const known = patterns.get(ctx);
  if (known !== undefined && known.period === period) return known.pattern;
  const tile = hatchTile(period);
  const pattern = tile === null ? null : ctx.createPattern(tile, 'repeat');
  if (pattern === null) return null;
  patterns.set(ctx, { period, pattern });
  return pattern;
}

/**
 * The hatch over each column's not-present share and the change markers on top, as
 * whole-pixel rectangles (neighbouring columns alike share one), so nothing is anti-aliased
 * and the hatch lines up from column to column as the pixel loop it replaces did.
 */
export function drawOverlay(ctx: CanvasRenderingContext2D, overlay: Overlay, height: number, options: PaintOptions): void {
  const { hatchFrom } = overlay;
  const pattern = hatchPattern(ctx, options.hatchPeriod);
  if (pattern !== null) {
    ctx.fillStyle = pattern;
    ctx.beginPath();
    let any = false;
    for (let x = 0; x < hatchFrom.length; ) {
      const from = hatchFrom[x] as number;
      let end = x + 1;
      while (end < hatchFrom.length && hatchFrom[end] === from) end++;
      if (from < height) {
        ctx.rect(x, from, end - x, height - from);
        any = true;
      }
      x = end;
    }
    if (any) ctx.fill();
  }
  const marked = overlay.changed;
  if (marked.length > 0) {
    ctx.fillStyle = COLOURS.changed;
    ctx.beginPath();
    for (let i = 0; i < marked.length; ) {
      const first = marked[i] as number;
      let j = i + 1;
      while (j < marked.length && marked[j] === first + (j - i)) j++;
      ctx.rect(first, 0, j - i, Math.min(options.markerRows, height));
      i = j;
    }
    ctx.fill();
  }
}
