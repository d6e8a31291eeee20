/**
 * Keeps the canvases painted. New data is drawn at once, in the commit that brings it: drawn
 * from an animation frame, a process's first picture also waited for that frame and for
 * whatever ran before it, including the style and layout of anything committed meanwhile,
 * which the browser does at the start of the frame, before its callbacks. Pans, zooms and
 * finer tiles are drawn in the next frame, where a burst of them costs one draw.
 */
import { useEffect, useEffectEvent, useLayoutEffect, useMemo, useRef, type RefObject } from 'react';
import { BinCache, type PageSpan } from '../model/bins.js';
import type { ViewData } from '../model/data.js';
import type { Tile, TileStore } from '../model/tiles.js';
import type { View } from '../model/view.js';
import { drawFrame } from '../heatmap/frame.js';
import { InputLatency } from '../heatmap/input-latency.js';
import type { FrameInputs } from '../heatmap/frame-plan.js';
import { schedule, unschedule } from '../heatmap/scheduler.js';
import type { HeatmapZoom } from './useHeatmapZoom.js';

export interface DrawTargets {
  container: RefObject<HTMLElement | null>;
  ruler: RefObject<HTMLCanvasElement | null>;
  panels: RefObject<Map<number, HTMLCanvasElement>>;
  strip: RefObject<HTMLCanvasElement | null>;
}

export interface DrawInputs {
  data: ViewData;
  tiles: TileStore;
  view: View;
  width: number;
  dpr: number;
  highlights: readonly PageSpan[];
  /** Which canvases are mounted; a switch repaints the ones that appear. */
  layoutMode: string;
  zoom: Pick<HeatmapZoom, 'viewInput' | 'reanchoring'>;
  /** Called after the first draw of each new `data`. */
  onDataDrawn?: (data: ViewData) => void;
}

/** Returns the tiles of the latest draw, which hover reads so the tooltip matches the picture. */
export function useHeatmapDrawing(targets: DrawTargets, inputs: DrawInputs): RefObject<readonly Tile[]> {
  const { data, tiles, view, width, dpr, highlights, layoutMode, zoom, onDataDrawn } = inputs;
  const { container, ruler, panels, strip } = targets;
  const { viewInput, reanchoring } = zoom;
  const cache = useMemo(() => new BinCache(), []);
  const latency = useMemo(() => new InputLatency(), []);
  const drawnLayers = useRef<readonly Tile[]>([]);
  /** What the last draw was of, to tell why the next one runs (see marks.ts). */
  const drawn = useRef<FrameInputs<ViewData>>({ data: null, view: null, tileVersion: 0 });
  /** Bumped when a fetched tile arrives. */
  const tileVersion = useRef(0);
  /** The draw of the latest inputs, which an arriving tile schedules again. */
  const drawLatest = useRef<(() => void) | null>(null);
  // An arriving tile changes only the canvases: it is drawn straight away, without rendering the stack (and the DOM around the canvases) again.
  useEffect(
    () =>
      tiles.onChange(() => {
        tileVersion.current++;
        if (drawLatest.current !== null) schedule('heatmaps', drawLatest.current);
      }),
    [tiles],
  );

  // The parent's latest callback, without redrawing when only its identity changes.
  const dataDrawn = useEffectEvent((drawnData: ViewData) => onDataDrawn?.(drawnData));

  useLayoutEffect(() => {
    if (width === 0) return;
    const draw = (): void => {
      const version = tileVersion.current;
      const request = { data, view, tileVersion: version, tiles, cache, highlights, dpr, input: viewInput };
      const frame = drawFrame({ container: container.current, ruler: ruler.current, panels: panels.current, strip: strip.current }, request, drawn.current);
      drawnLayers.current = frame.layers;
      if (frame.complete) latency.drawn(viewInput, { fine: frame.detail.fine, tile: frame.detail.tile });
      drawn.current = { data, view, tileVersion: version };
      if (frame.detail.cause === 'data') dataDrawn(data);
    };
    drawLatest.current = draw;
    // A re-anchored view replaces this one before the task ends: new data is drawn once, at that view.
    if (drawn.current.data !== data && !reanchoring.current) {
      unschedule('heatmaps');
      draw();
    } else schedule('heatmaps', draw);
    reanchoring.current = false;
  }, [data, tiles, view, dpr, highlights, layoutMode, cache, latency, width, container, ruler, panels, strip, viewInput, reanchoring]);

  useEffect(() => () => unschedule('heatmaps'), []);
  return drawnLayers;
}
