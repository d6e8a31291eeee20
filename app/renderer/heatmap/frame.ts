/**
 * Paints one frame: every node's panel from bins aggregated once for all of them, then the
 * ruler, with performance measures (marks.ts) and the figures the page exposes.
 */
import { spanCounts, type BinCache, type PageSpan } from '../model/bins.js';
import type { ViewData } from '../model/data.js';
import { boundariesBetween } from '../model/layout.js';
import type { Tile, TileStore } from '../model/tiles.js';
import { pageOfX, scaleView, type View } from '../model/view.js';
import { drawOverlay, imageFor, paintHeatmap } from './draw.js';
import { drawAttributes, drawCause, PANEL_HEIGHT, paintOptions, separatorColumns, type FrameInputs } from './frame-plan.js';
import { DRAW, FIRST_DRAW, PLACEMENT_MARK, lastMark, measure, type DrawDetail } from './marks.js';
import { COLOURS } from './palette.js';
import type { UserInput } from './input-latency.js';
import { drawRuler } from './ruler.js';
import { drawStrip } from './strip.js';

export interface FrameTargets {
  /** Receives the draw's figures as data-* attributes. */
  container: HTMLElement | null;
  ruler: HTMLCanvasElement | null;
  panels: ReadonlyMap<number, HTMLCanvasElement>;
  /** The single-strip layout's canvas, when that layout is shown. */
  strip?: HTMLCanvasElement | null;
}

export interface FrameRequest extends FrameInputs<ViewData> {
  data: ViewData;
  view: View;
  tiles: TileStore;
  cache: BinCache;
  highlights: readonly PageSpan[];
  dpr: number;
  /** The input that asked for `view`, to measure input-to-picture latency. */
  input: UserInput | null;
}

export interface Frame {
  /** The tile that holds the whole view at the finest resolution held. */
  tile: Tile;
  /** The tiles drawn from (see aggregateLayers), which hover reads too so the tooltip matches the picture. */
  layers: readonly Tile[];
  detail: DrawDetail;
  /** Every panel was painted. */
  complete: boolean;
}

export function drawFrame(targets: FrameTargets, request: FrameRequest, previous: FrameInputs<ViewData>): Frame {
  const { data, view, tiles, cache, highlights, dpr } = request;
  const panelNodes = data.panelNodes;
  const started = performance.now();
  const device = scaleView(view, dpr);
  const picked = tiles.pick(device);
  // Everything held, not just the tile picked: the parts of the view a window reaches stay sharp while the rest loads.
  const layers = tiles.layers;
  const bins = cache.get({ layout: data.layout, tiles: layers }, device, panelNodes);
  const aggregated = performance.now();
  let paintMs = 0;
  let putMs = 0;
  let painted = 0;
  const changed = highlights.length > 0 ? spanCounts(device, highlights) : null;
  const separators = separatorColumns(device, boundariesBetween(data.layout, device.start, pageOfX(device, device.width)), dpr);
  const height = Math.round(PANEL_HEIGHT * dpr);
  const separatorWidth = Math.max(1, Math.round(dpr));
  const paint = paintOptions(dpr);
  panelNodes.forEach((node, slot) => {
    const canvas = targets.panels.get(node);
    if (canvas === undefined) return;
    if (canvas.width !== device.width || canvas.height !== height) {
      canvas.width = device.width;
      canvas.height = height;
    }
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    const image = imageFor(canvas, ctx);
    const t0 = performance.now();
    const overlay = paintHeatmap(image, bins, slot, changed, paint);
    const t1 = performance.now();
    ctx.putImageData(image, 0, 0);
    const t2 = performance.now();
    drawOverlay(ctx, overlay, height, paint);
    paintMs += t1 - t0 + (performance.now() - t2);
    putMs += t2 - t1;
    ctx.fillStyle = COLOURS.separator;
    for (const x of separators) ctx.fillRect(x, 0, separatorWidth, height);
    painted++;
  });
  const stripped = targets.strip != null && drawStrip(targets.strip, bins, changed, separators, dpr, paint);
  const beforeRuler = performance.now();
  drawRuler(targets.ruler, data, view, dpr);
  const ended = performance.now();
  const cause = drawCause(previous, request);
  const detail: DrawDetail = {
    cause,
    fine: picked.fine,
    tile: picked.tile.kind === 'runs' ? 'runs' : `bins:${picked.tile.pagesPerBin}`,
    pagesPerPixel: device.pagesPerPixel,
    panels: painted,
    sinceInput: cause === 'view' && request.input !== null ? ended - request.input.at : null,
    aggregateMs: aggregated - started,
    paintMs,
    putMs,
    rulerMs: ended - beforeRuler,
  };
  measure(DRAW, started, ended, detail);
  const complete = painted === panelNodes.length || stripped;
  if (cause === 'data' && complete) {
    const arrived = lastMark(PLACEMENT_MARK);
    if (arrived !== null) measure(FIRST_DRAW, arrived, ended, detail);
  }
  if (targets.container !== null) Object.assign(targets.container.dataset, drawAttributes(ended - started, detail, view.pagesPerPixel));
  return { tile: picked.tile, layers, detail, complete };
}
