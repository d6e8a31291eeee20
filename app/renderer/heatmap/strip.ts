/**
 * The single-strip layout: one canvas for all nodes, each column in the colour of the node
 * that holds most of its present pages (the same colours as the legend and the totals), the
 * not-present share hatched at the bottom as in the per-node panels. It answers "where is
 * this memory" at a glance, where the rows answer "how much of it is on node N".
 */
import type { Bins } from '../model/bins.js';
import { drawOverlay, imageFor, type Overlay, type PaintOptions } from './draw.js';
import { COLOURS, PACKED, packedNodeColours } from './palette.js';

/** Height of the strip in CSS pixels. */
export const STRIP_HEIGHT = 64;

/** The node slot holding most of bin b's present pages (ties: the lower slot), or -1 when none are present. */
export function dominantSlot(bins: Bins, b: number): number {
  const width = bins.view.width;
  let best = -1;
  let most = 0;
  for (let slot = 0; slot <= bins.nodes.length; slot++) {
    const pages = bins.onNode[slot * width + b] as number;
    if (pages > most) {
      most = pages;
      best = slot;
    }
  }
  return best;
}

const packedBySlots = new Map<number, Uint32Array>();

function packedFor(slots: number): Uint32Array {
  let packed = packedBySlots.get(slots);
  if (packed === undefined) {
    packed = packedNodeColours(slots);
    packedBySlots.set(slots, packed);
  }
  return packed;
}

/** Fills the image column by column with the dominant node's colour; returns where the hatch and change markers go. */
export function paintStrip(image: ImageData, bins: Bins, changed: Uint32Array | null, options: Pick<PaintOptions, 'markerRows'>): Overlay {
  const { width, height } = image;
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
  const columns = Math.min(width, bins.view.width);
  const palette = packedFor(bins.nodes.length);
  const colour = new Uint32Array(width).fill(PACKED.background);
  const hatchFrom = new Int32Array(width).fill(height);
  for (let b = 0; b < columns; b++) {
    const total = bins.total[b] as number;
    if (total === 0) continue;
    const slack = total * 1e-9;
    const absent = (bins.absent[b] as number) <= slack ? 0 : (bins.absent[b] as number);
    const present = total - absent <= slack ? 0 : total - absent;
    const slot = present > 0 ? dominantSlot(bins, b) : -1;
    if (slot >= 0) colour[b] = palette[slot] as number;
    if (absent > 0) {
      let rows = Math.round((height * present) / total);
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

/** Paints the strip canvas at the device resolution of `bins`, with region separators at `separators` (device x). */
export function drawStrip(canvas: HTMLCanvasElement, bins: Bins, changed: Uint32Array | null, separators: readonly number[], dpr: number, options: PaintOptions): boolean {
  const height = Math.round(STRIP_HEIGHT * dpr);
  if (canvas.width !== bins.view.width || canvas.height !== height) {
    canvas.width = bins.view.width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) return false;
  const image = imageFor(canvas, ctx);
  const overlay = paintStrip(image, bins, changed, options);
  ctx.putImageData(image, 0, 0);
  drawOverlay(ctx, overlay, height, options);
  ctx.fillStyle = COLOURS.separator;
  const separatorWidth = Math.max(1, Math.round(dpr));
  for (const x of separators) ctx.fillRect(x, 0, separatorWidth, height);
  return true;
}
