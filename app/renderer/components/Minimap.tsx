/**
 * The whole address space at once, in the strip's colours (the dominant node of each
 * column), with the part the heatmaps show marked. A click centres the view there, a drag
 * moves it; the zoom level stays as it is.
 */
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { aggregateBins } from '../model/bins.js';
import type { ViewData } from '../model/data.js';
import type { Layout } from '../model/layout.js';
import type { TileStore } from '../model/tiles.js';
import { fitView, type View } from '../model/view.js';
import { drawOverlay, imageFor } from '../heatmap/draw.js';
import { paintOptions } from '../heatmap/frame-plan.js';
import { minimapWindow } from '../heatmap/overlays.js';
import { afterNextPaint } from '../heatmap/scheduler.js';
import { paintStrip } from '../heatmap/strip.js';

export const MINIMAP_HEIGHT = 18;

interface Props {
  data: ViewData;
  tiles: TileStore;
  view: View;
  dpr: number;
  /** Pans the heatmaps so layout page `start` is at their left edge. */
  onMoveTo(start: number): void;
}

export function Minimap({ data, tiles, view, dpr, onMoveTo }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { layout } = data;
  const width = view.width;
  const [grab, setGrab] = useState<number | null>(null);

  // Drawn after the next paint: with a new process the heatmaps are drawn in the task that
  // brings its first picture, and the minimap's own aggregation (about 28 ms for 4 Mi pages
  // there) would keep them from the screen that long.
  useEffect(() => {
    if (width === 0) return;
    return afterNextPaint(() => {
      const canvas = canvasRef.current;
      if (canvas !== null) drawMinimap(canvas, layout, tiles, data.panelNodes, width, dpr);
    });
  }, [layout, tiles, data.panelNodes, width, dpr]);

  const visible = view.width * view.pagesPerPixel;
  const box = minimapWindow(layout.totalPages, view);
  const pageAt = (event: ReactPointerEvent<HTMLElement>): number => {
    const rect = event.currentTarget.getBoundingClientRect();
    return ((event.clientX - rect.left) / Math.max(rect.width, 1)) * layout.totalPages;
  };
  const moveTo = (centre: number): void => onMoveTo(Math.min(Math.max(centre - visible / 2, 0), Math.max(layout.totalPages - visible, 0)));

  return (
    <div
      className="minimap"
      data-testid="minimap"
      style={{ height: MINIMAP_HEIGHT }}
      title="The whole address space; the box is what the heatmaps show. Click or drag to move there."
      onPointerDown={(event) => {
        if (event.button !== 0) return;
        event.preventDefault();
        event.currentTarget.setPointerCapture(event.pointerId);
        const page = pageAt(event);
        const inside = page >= view.start && page <= view.start + visible;
        // Grabbing the box keeps the pointer where it took hold; elsewhere the view centres on the click.
        const offset = inside ? page - (view.start + visible / 2) : 0;
        setGrab(offset);
        moveTo(page - offset);
      }}
      onPointerMove={(event) => {
        if (grab !== null) moveTo(pageAt(event) - grab);
      }}
      onPointerUp={() => setGrab(null)}
      onPointerCancel={() => setGrab(null)}
    >
      <canvas ref={canvasRef} style={{ width: '100%', height: MINIMAP_HEIGHT }} role="img" aria-label="Overview of the whole address space" />
      <div className={`minimap-window${grab !== null ? ' grabbed' : ''}`} data-testid="minimap-window" style={{ left: box.left, width: box.width }} />
    </div>
  );
}

/** The overview in the strip's colours, fitted to `width` CSS pixels. */
function drawMinimap(canvas: HTMLCanvasElement, layout: Layout, tiles: TileStore, panelNodes: readonly number[], width: number, dpr: number): void {
  const device = fitView(layout, Math.round(width * dpr));
  const height = Math.round(MINIMAP_HEIGHT * dpr);
  if (canvas.width !== device.width || canvas.height !== height) {
    canvas.width = device.width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  // The overview tile covers the whole layout at about one bin a pixel: all the minimap needs.
  const bins = aggregateBins({ layout, tile: tiles.overview }, device, panelNodes);
  const image = imageFor(canvas, ctx);
  const options = paintOptions(dpr);
  const overlay = paintStrip(image, bins, null, { markerRows: 0 });
  ctx.putImageData(image, 0, 0);
  drawOverlay(ctx, overlay, height, { ...options, hatchPeriod: Math.max(3, Math.round(3 * dpr)) });
}
