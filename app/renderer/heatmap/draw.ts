/**
 * Paints one node's heatmap into an ImageData: a column per bin, coloured by the share of
 * the bin's present pages on this node; the bin's share of pages not present fills the
 * bottom of the column with a hatch, so both facts read at once. Changed pages mark the top
 * of their column. Then region separators are stroked on top with the 2D context.
 */
import type { Bins } from '../model/bins.js';
import { PACKED, RAMP } from './palette.js';

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

export function paintHeatmap(image: ImageData, bins: Bins, slot: number, changed: Uint32Array | null, options: PaintOptions): void {
  const width = image.width;
  const height = image.height;
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
  const columns = Math.min(width, bins.view.width);
  const colour = new Uint32Array(width).fill(PACKED.background);
  // First row of the hatch (height = no hatch); 0 for an empty column.
  const hatchFrom = new Int32Array(width).fill(height);
  const onNode = bins.onNode;
  const offset = slot * bins.view.width;
  for (let b = 0; b < columns; b++) {
    const total = bins.total[b] as number;
    if (total === 0) continue;
    const absent = bins.absent[b] as number;
    const present = total - absent;
    if (present > 0) colour[b] = RAMP[Math.round((255 * (onNode[offset + b] as number)) / present)] as number;
    if (absent > 0) {
      let rows = Math.round((height * present) / total);
      // Keep a sliver of either kind visible, however lopsided the bin.
      if (present > 0 && rows === 0) rows = 1;
      if (rows === height) rows = height - 1;
      hatchFrom[b] = rows;
    }
  }
  const { markerRows, hatchPeriod } = options;
  const dark = Math.max(1, Math.round(hatchPeriod / 3));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let value: number;
      if (y >= (hatchFrom[x] as number)) value = (x + y) % hatchPeriod < dark ? PACKED.hatchDark : PACKED.hatchLight;
      else value = colour[x] as number;
      if (y < markerRows && changed !== null && x < columns && (changed[x] as number) > 0) value = PACKED.changed;
      pixels[row + x] = value;
    }
  }
}
