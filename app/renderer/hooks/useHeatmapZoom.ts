/**
 * d3-zoom drives the heatmaps' shared view: it owns the wheel and pan gestures on the
 * container and keeps its transform on that element; React keeps the transform as state and
 * derives the view from it. Besides the gestures: keyboard commands, focus requests, and
 * keeping the same addresses in view when the layout changes under a zoomed view.
 */
import { select, zoom as d3zoom, zoomIdentity, type D3ZoomEvent, type Selection, type ZoomBehavior } from 'd3';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import type { Layout } from '../model/layout.js';
import type { View } from '../model/view.js';
import { inputOfEvent, type UserInput } from '../heatmap/input-latency.js';
import {
  basePagesPerPixel,
  focusView,
  IDENTITY,
  maxScale,
  mouseDownPans,
  reanchoredView,
  transformOfView,
  viewOfTransform,
  wheelPanPixels,
  wheelZooms,
  type KeyCommand,
  type ZoomTransform,
} from '../heatmap/zoom.js';

/** A request to zoom onto layout pages [from, to); `seq` makes repeated requests distinct. */
export interface FocusRequest {
  from: number;
  to: number;
  seq: number;
}

export interface HeatmapZoom {
  view: View;
  /** The wheel, drag or key input that asked for `view`; null when the view changed otherwise (a focus request, a re-anchoring). */
  viewInput: UserInput | null;
  /**
   * True from a re-anchoring in a layout effect until the drawing effect of the same commit
   * has read it: new data is then drawn once, at the re-anchored view.
   */
  reanchoring: RefObject<boolean>;
  /** Pans, zooms or resets as a key asks; false for commands the zoom does not handle. */
  runKeyCommand(command: KeyCommand): boolean;
}

type Behaviour = ZoomBehavior<HTMLDivElement, unknown>;

/** d3-zoom's transform with the input that set it, so a view and its input change in the same render. */
interface InputTransform extends ZoomTransform {
  input: UserInput | null;
}

export function useHeatmapZoom(containerRef: RefObject<HTMLDivElement | null>, layout: Layout, width: number, focus: FocusRequest | null): HeatmapZoom {
  const [transform, setTransform] = useState<InputTransform>({ ...IDENTITY, input: null });
  const behaviourRef = useRef<Behaviour | null>(null);
  /** The input behind a programmatic transform (shift+wheel, keys), which d3-zoom reports without a source event. */
  const pendingInput = useRef<UserInput | null>(null);
  const reanchoring = useRef(false);
  const basePerPixel = basePagesPerPixel(layout.totalPages, width);
  const view = useMemo(() => viewOfTransform(transform, basePerPixel, width), [transform, basePerPixel, width]);
  const scaleRef = useRef(transform.k);
  useLayoutEffect(() => {
    scaleRef.current = transform.k;
  }, [transform.k]);

  useEffect(() => {
    const element = containerRef.current;
    if (element === null || width === 0) return;
    const height = element.clientHeight || 1;
    const behaviour = d3zoom<HTMLDivElement, unknown>()
      .scaleExtent([1, maxScale(basePerPixel)])
      .extent([
        [0, 0],
        [width, height],
      ])
      .translateExtent([
        [0, 0],
        [width, height],
      ])
      .filter((event: Event) => {
        if (event instanceof WheelEvent) return wheelZooms(event);
        if (event instanceof MouseEvent && event.type === 'mousedown') {
          return mouseDownPans(event.button, event.shiftKey, event.target instanceof Element && event.target.closest('[data-pan-handle]') !== null);
        }
        return false;
      })
      .on('zoom', (event: D3ZoomEvent<HTMLDivElement, unknown>) => {
        const input = inputOfEvent(event.sourceEvent, pendingInput.current);
        pendingInput.current = null;
        // Rendered inside the event: Chromium dispatches wheel and pointer moves at the start
        // of a frame, so the draw this render schedules runs in that frame. Left to React's
        // scheduler, the render ran after the frame and the picture came a frame later
        // (pan p95 53 -> 27 ms in bench/input).
        flushSync(() => setTransform({ k: event.transform.k, x: event.transform.x, input }));
      });
    const selection = select(element);
    selection.call(behaviour).on('dblclick.zoom', null);
    behaviourRef.current = behaviour;
    const onWheel = (event: WheelEvent): void => {
      const pixels = wheelPanPixels(event);
      if (pixels === null) return;
      event.preventDefault();
      // d3-zoom emits the zoom event inside translateBy.
      pendingInput.current = { at: event.timeStamp, kind: 'pan' };
      behaviour.translateBy(selection, -pixels / scaleRef.current, 0);
      pendingInput.current = null;
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      element.removeEventListener('wheel', onWheel);
      selection.on('.zoom', null);
    };
  }, [containerRef, width, basePerPixel]);

  const applyView = useCallback(
    (next: View) => {
      const element = containerRef.current;
      const behaviour = behaviourRef.current;
      if (element === null || behaviour === null || width === 0) return;
      const { k, x } = transformOfView(next, basePerPixel);
      behaviour.transform(select(element), zoomIdentity.translate(x, 0).scale(k));
    },
    [containerRef, basePerPixel, width],
  );

  // A layout effect, so the new view is set in the same commit and new data is drawn once, at that view.
  const previous = useRef<{ layout: Layout; view: View } | null>(null);
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = { layout, view };
    // Only a new layout re-anchors; a change of view is merely recorded above.
    if (before === null || before.layout === layout || before.layout.totalPages === layout.totalPages || transform.k <= 1.0001) return;
    const next = reanchoredView(before, layout, width);
    if (next === null) return;
    reanchoring.current = true;
    applyView(next);
  }, [layout, view, transform.k, width, applyView]);

  // Only a new request zooms; later data updates or resizes must not yank the view back.
  const focused = useRef<number | null>(null);
  useEffect(() => {
    if (focus === null || width === 0 || focused.current === focus.seq) return;
    focused.current = focus.seq;
    applyView(focusView(layout, width, focus.from, focus.to));
  }, [focus, width, layout, applyView]);

  const runKeyCommand = useCallback(
    (command: KeyCommand): boolean => {
      const element = containerRef.current;
      const behaviour = behaviourRef.current;
      if (element === null || behaviour === null) return false;
      pendingInput.current = { at: performance.now(), kind: 'key' };
      try {
        return keyTransform(behaviour, select(element), command, scaleRef.current, width);
      } finally {
        pendingInput.current = null;
      }
    },
    [containerRef, width],
  );

  return { view, viewInput: transform.input, reanchoring, runKeyCommand };
}

/** Applies a key command to the zoom; false for commands the zoom does not handle. */
function keyTransform(behaviour: Behaviour, target: Selection<HTMLDivElement, unknown, null, undefined>, command: KeyCommand, scale: number, width: number): boolean {
  switch (command.kind) {
    case 'pan':
      behaviour.translateBy(target, command.pixels / scale, 0);
      return true;
    case 'zoom':
      behaviour.scaleBy(target, command.factor, [width / 2, 0]);
      return true;
    case 'reset':
      behaviour.transform(target, zoomIdentity);
      return true;
    default:
      return false;
  }
}
