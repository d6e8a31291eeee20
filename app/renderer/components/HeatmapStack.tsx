/**
 * One heatmap per node, stacked, sharing one view of the collapsed address space, so the
 * same x is the same address in every panel. React owns the layout and the interaction
 * state; d3-zoom owns the wheel/pan gesture on the container; the canvases are painted in
 * an animation frame from bins aggregated once for all panels, from the tile the store
 * picks for the view (a finer one is fetched when the view needs it, and drawn when it
 * arrives).
 *
 * Gestures: wheel zooms, shift+wheel or a drag on the ruler pans (so does shift+drag),
 * a drag on a panel selects pages, and a drag that starts inside the selection carries it
 * onto another node's panel to move the pages there. Arrow keys, + and - do the same as
 * the wheel and pan from the keyboard.
 */
import { select } from 'd3';
import { zoom as d3zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import type { TopologyNode } from './TopologyStrip.js';
import { BinCache, spanCounts, type PageSpan, type PlacementData } from '../model/bins.js';
import type { ViewData } from '../model/data.js';
import { formatBytes, formatCount } from '../model/format.js';
import { describeBinAt, hoverText } from '../model/hover.js';
import { boundariesBetween, regionsBetween } from '../model/layout.js';
import { selectPixels, spansOfRanges, type AddressRange } from '../model/selection.js';
import type { Tile, TileStore } from '../model/tiles.js';
import { pageOfX, scaleView, viewOfSpan, xOfPage, type View } from '../model/view.js';
import { drawOverlay, imageFor, paintHeatmap } from '../heatmap/draw.js';
import { DRAW, FIRST_DRAW, PLACEMENT_MARK, lastMark, measure, type DrawCause, type DrawDetail } from '../heatmap/marks.js';
import { COLOURS, nodeColour } from '../heatmap/palette.js';
import { drawRuler, RULER_HEIGHT } from '../heatmap/ruler.js';
import { schedule, unschedule } from '../heatmap/scheduler.js';

/** A request to zoom onto layout pages [from, to); `seq` makes repeated requests distinct. */
export interface FocusRequest {
  from: number;
  to: number;
  seq: number;
}

export interface HeatmapHandle {
  /** All panels in one PNG, with their labels. */
  toPng(): Promise<Blob | null>;
}

interface Props {
  data: ViewData;
  /** Where the pages are: the tiles of this placement. */
  tiles: TileStore;
  nodes: TopologyNode[];
  highlights: PageSpan[];
  selection: AddressRange[] | null;
  focus: FocusRequest | null;
  canMove: boolean;
  onSelect(ranges: AddressRange[] | null, node: number | null): void;
  onDrop(node: number): void;
  /** Called after the first draw of each new `data` on every panel. */
  onDataDrawn?(data: ViewData): void;
  handleRef: RefObject<HeatmapHandle | null>;
}

interface Transform {
  k: number;
  x: number;
}

interface Hover {
  node: number;
  clientX: number;
  clientY: number;
  lines: string[];
}

interface Brush {
  node: number;
  x0: number;
  x1: number;
}

interface Drag {
  from: number;
  clientX: number;
  clientY: number;
  target: number | null;
}

const PANEL_HEIGHT = 56;
/** Deepest zoom: this many CSS pixels a page. */
const MAX_PIXELS_PER_PAGE = 32;

function panelUnder(clientX: number, clientY: number): number | null {
  const element = document.elementFromPoint(clientX, clientY);
  const panel = element?.closest<HTMLElement>('[data-node-panel]');
  const id = panel?.dataset.nodePanel;
  return id === undefined ? null : Number(id);
}

export function HeatmapStack(props: Props) {
  const { data, tiles, nodes, highlights, selection, focus, canMove, onSelect, onDrop, onDataDrawn, handleRef } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const rulerRef = useRef<HTMLCanvasElement>(null);
  const canvases = useRef(new Map<number, HTMLCanvasElement>());
  const zoomRef = useRef<ZoomBehavior<HTMLDivElement, unknown> | null>(null);
  const cache = useMemo(() => new BinCache(), []);
  const [width, setWidth] = useState(0);
  const [transform, setTransform] = useState<Transform>({ k: 1, x: 0 });
  const [hover, setHover] = useState<Hover | null>(null);
  const [brush, setBrush] = useState<Brush | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [dpr, setDpr] = useState(() => window.devicePixelRatio || 1);
  /** Bumped when a fetched tile arrives, to draw it. */
  const [tileVersion, setTileVersion] = useState(0);
  /** The tile of the last draw, which hover reads too so the tooltip matches the picture. */
  const drawnTile = useRef<Tile | null>(null);
  /** What the last draw was of, to tell why the next one runs (see marks.ts). */
  const drawn = useRef<{ data: ViewData | null; view: View | null; tileVersion: number }>({ data: null, view: null, tileVersion: 0 });
  /** When the last pan or zoom event came in. */
  const viewInputAt = useRef<number | null>(null);

  useEffect(() => tiles.onChange(() => setTileVersion((v) => v + 1)), [tiles]);

  const panelNodes = data.panelNodes;
  const totalPages = data.layout.totalPages;
  const basePerPixel = Math.max(totalPages, 1) / Math.max(width, 1);
  const view: View = useMemo(
    () => ({ start: (-transform.x * basePerPixel) / transform.k, pagesPerPixel: basePerPixel / transform.k, width }),
    [transform, basePerPixel, width],
  );
  const transformRef = useRef(transform);
  transformRef.current = transform;

  // Measured before the first paint, so the first draw is scheduled in the same frame as the panels appear.
  useLayoutEffect(() => {
    const element = containerRef.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setWidth(Math.floor(element.clientWidth)));
    observer.observe(element);
    setWidth(Math.floor(element.clientWidth));
    const media = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    const onDpr = (): void => setDpr(window.devicePixelRatio || 1);
    media.addEventListener('change', onDpr);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', onDpr);
    };
  }, []);

  // d3-zoom drives the view; its transform lives on the container element.
  useEffect(() => {
    const element = containerRef.current;
    if (element === null || width === 0) return;
    const height = element.clientHeight || 1;
    const behaviour = d3zoom<HTMLDivElement, unknown>()
      .scaleExtent([1, Math.max(1, basePerPixel * MAX_PIXELS_PER_PAGE)])
      .extent([
        [0, 0],
        [width, height],
      ])
      .translateExtent([
        [0, 0],
        [width, height],
      ])
      .filter((event: Event) => {
        if (event instanceof WheelEvent) return !event.shiftKey && Math.abs(event.deltaY) >= Math.abs(event.deltaX);
        if (event instanceof MouseEvent && event.type === 'mousedown') {
          const onRuler = event.target instanceof Element && event.target.closest('[data-pan-handle]') !== null;
          return event.button === 0 && (event.shiftKey || onRuler);
        }
        return false;
      })
      .on('zoom', (event: D3ZoomEvent<HTMLDivElement, unknown>) => {
        viewInputAt.current = performance.now();
        setTransform({ k: event.transform.k, x: event.transform.x });
      });
    const selection = select(element);
    selection.call(behaviour).on('dblclick.zoom', null);
    zoomRef.current = behaviour;
    // Horizontal scrolling (shift+wheel, trackpad swipes) pans.
    const onWheel = (event: WheelEvent): void => {
      const delta = event.shiftKey ? event.deltaY || event.deltaX : event.deltaX;
      if (!event.shiftKey && Math.abs(event.deltaX) <= Math.abs(event.deltaY)) return;
      event.preventDefault();
      behaviour.translateBy(selection, -delta / transformRef.current.k, 0);
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      element.removeEventListener('wheel', onWheel);
      selection.on('.zoom', null);
    };
  }, [width, basePerPixel]);

  const applyView = useCallback(
    (next: View) => {
      const element = containerRef.current;
      const behaviour = zoomRef.current;
      if (element === null || behaviour === null || width === 0) return;
      const k = Math.max(1, basePerPixel / next.pagesPerPixel);
      const x = (-next.start * k) / basePerPixel;
      behaviour.transform(select(element), zoomIdentity.translate(x, 0).scale(k));
    },
    [basePerPixel, width],
  );

  // Keep the same addresses in view when the layout changes under a zoomed view (regions grew or appeared).
  // A layout effect, so the new view is set in the same commit and new data is drawn once, at that view.
  const previous = useRef<{ data: ViewData; view: View } | null>(null);
  const reanchoring = useRef(false);
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = { data, view };
    if (before === null || before.data === data || before.data.layout.totalPages === totalPages || transform.k <= 1.0001) return;
    const oldStart = before.view.start;
    const region = before.data.layout.regions.find((r) => r.offset <= oldStart && oldStart < r.offset + r.pages);
    const moved = region === undefined ? null : data.layout.regions.find((r) => r.start === region.start);
    if (region === undefined || moved === undefined || moved === null) return;
    reanchoring.current = true;
    applyView({ start: moved.offset + (oldStart - region.offset), pagesPerPixel: before.view.pagesPerPixel, width });
    // Only data changes should re-anchor; view changes are merely recorded above.
  }, [data]);

  useEffect(() => {
    if (focus === null || width === 0) return;
    applyView(viewOfSpan(data.layout, width, focus.from, focus.to, 0.02, 1 / MAX_PIXELS_PER_PAGE));
    // Only a new request zooms; later data updates must not yank the view back.
  }, [focus?.seq, width > 0]);

  // Paint every panel and the ruler. New data is drawn at once, in the commit that brings it:
  // drawn from an animation frame, a process's first picture also waited for that frame and for
  // whatever ran before it, including the style and layout of anything committed meanwhile,
  // which the browser does at the start of the frame, before its callbacks. Pans, zooms and
  // finer tiles are drawn in the next frame, where a burst of them costs one draw.
  useLayoutEffect(() => {
    if (width === 0) return;
    const draw = (): void => {
      const started = performance.now();
      const device = scaleView(view, dpr);
      const picked = tiles.pick(device);
      drawnTile.current = picked.tile;
      const bins = cache.get({ layout: data.layout, tile: picked.tile }, device, panelNodes);
      const aggregated = performance.now();
      let paintMs = 0;
      let putMs = 0;
      let painted = 0;
      const changed = highlights.length > 0 ? spanCounts(device, highlights) : null;
      const boundaries = boundariesBetween(data.layout, device.start, pageOfX(device, device.width));
      panelNodes.forEach((node, slot) => {
        const canvas = canvases.current.get(node);
        if (canvas === undefined) return;
        const height = Math.round(PANEL_HEIGHT * dpr);
        if (canvas.width !== device.width || canvas.height !== height) {
          canvas.width = device.width;
          canvas.height = height;
        }
        const ctx = canvas.getContext('2d');
        if (ctx === null) return;
        const image = imageFor(canvas, ctx);
        const t0 = performance.now();
        const paint = { markerRows: Math.round(4 * dpr), hatchPeriod: Math.max(3, Math.round(4 * dpr)) };
        const overlay = paintHeatmap(image, bins, slot, changed, paint);
        const t1 = performance.now();
        ctx.putImageData(image, 0, 0);
        const t2 = performance.now();
        drawOverlay(ctx, overlay, height, paint);
        paintMs += t1 - t0 + (performance.now() - t2);
        putMs += t2 - t1;
        // Separators between regions, skipped where they would crowd into a solid bar.
        ctx.fillStyle = COLOURS.separator;
        let last = -Infinity;
        for (const page of boundaries) {
          const x = Math.round(xOfPage(device, page));
          if (x - last < 3 * dpr) continue;
          ctx.fillRect(x, 0, Math.max(1, Math.round(dpr)), height);
          last = x;
        }
        painted++;
      });
      const beforeRuler = performance.now();
      drawRuler(rulerRef.current, data, view, dpr);
      const ended = performance.now();
      const rulerMs = ended - beforeRuler;
      const before = drawn.current;
      const cause: DrawCause = before.data !== data ? 'data' : before.view !== view ? 'view' : before.tileVersion !== tileVersion ? 'tile' : 'other';
      drawn.current = { data, view, tileVersion };
      const tileText = picked.tile.kind === 'runs' ? 'runs' : `bins:${picked.tile.pagesPerBin}`;
      const detail: DrawDetail = {
        cause,
        fine: picked.fine,
        tile: tileText,
        pagesPerPixel: device.pagesPerPixel,
        panels: painted,
        sinceInput: cause === 'view' && viewInputAt.current !== null ? ended - viewInputAt.current : null,
        aggregateMs: aggregated - started,
        paintMs,
        putMs,
        rulerMs,
      };
      measure(DRAW, started, ended, detail);
      if (cause === 'data' && painted === panelNodes.length) {
        const arrived = lastMark(PLACEMENT_MARK);
        if (arrived !== null) measure(FIRST_DRAW, arrived, ended, detail);
      }
      if (cause === 'data') onDataDrawn?.(data);
      const element = containerRef.current;
      if (element !== null) {
        element.dataset.drawMs = (ended - started).toFixed(1);
        element.dataset.aggregateMs = (aggregated - started).toFixed(1);
        element.dataset.timing = `paint ${paintMs.toFixed(1)} put ${putMs.toFixed(1)} ruler ${rulerMs.toFixed(1)}`;
        element.dataset.pagesPerPixel = String(view.pagesPerPixel);
        element.dataset.tile = tileText;
        element.dataset.fine = String(picked.fine);
      }
    };
    // A re-anchored view replaces this one before the task ends: new data is drawn once, at that view.
    if (drawn.current.data !== data && !reanchoring.current) {
      unschedule('heatmaps');
      draw();
    } else schedule('heatmaps', draw);
    reanchoring.current = false;
  }, [data, tiles, tileVersion, view, dpr, highlights, panelNodes, cache, width]);

  useEffect(() => () => unschedule('heatmaps'), []);

  useEffect(() => {
    handleRef.current = {
      toPng: () => exportPng(panelNodes, canvases.current, rulerRef.current, data),
    };
  }, [handleRef, panelNodes, data]);

  const selectedSpans = useMemo(() => (selection === null ? [] : spansOfRanges(data.layout, selection)), [selection, data.layout]);
  const selectedPages = selectedSpans.reduce((sum, s) => sum + s.end - s.start, 0);

  const localX = (event: { clientX: number }, element: Element): number => {
    const rect = element.getBoundingClientRect();
    return Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
  };

  const insideSelection = (x: number): boolean => {
    const page = pageOfX(view, x);
    return selectedSpans.some((s) => page >= s.start && page < s.end);
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>, node: number): void => {
    if (event.button !== 0 || event.shiftKey) return;
    const x = localX(event, event.currentTarget);
    // Cancelling pointerdown also stops the mouse events d3-zoom would pan with.
    event.preventDefault();
    containerRef.current?.focus({ preventScroll: true });
    event.currentTarget.setPointerCapture(event.pointerId);
    setHover(null);
    if (canMove && insideSelection(x)) setDrag({ from: node, clientX: event.clientX, clientY: event.clientY, target: node });
    else setBrush({ node, x0: x, x1: x });
  };

  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>, node: number): void => {
    if (brush !== null) {
      setBrush({ ...brush, x1: localX(event, event.currentTarget) });
      return;
    }
    if (drag !== null) {
      setDrag({ ...drag, clientX: event.clientX, clientY: event.clientY, target: panelUnder(event.clientX, event.clientY) });
      return;
    }
    const x = event.clientX - event.currentTarget.getBoundingClientRect().left;
    const source: PlacementData = { layout: data.layout, tile: drawnTile.current ?? tiles.overview };
    const info = describeBinAt(source, view, x);
    if (info === null) setHover(null);
    else setHover({ node, clientX: event.clientX, clientY: event.clientY, lines: hoverText(info, data.layout.pageSize, node) });
  };

  const onPointerUp = (event: ReactPointerEvent<HTMLDivElement>): void => {
    if (brush !== null) {
      setBrush(null);
      const x1 = localX(event, event.currentTarget);
      if (Math.abs(x1 - brush.x0) < 3) onSelect(null, null);
      else onSelect(selectPixels(data.layout, view, brush.x0, x1)?.ranges ?? null, brush.node);
    }
    if (drag !== null) {
      setDrag(null);
      const target = panelUnder(event.clientX, event.clientY);
      if (target !== null && target !== drag.from) onDrop(target);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const element = containerRef.current;
    const behaviour = zoomRef.current;
    if (element === null || behaviour === null) return;
    const target = select(element);
    const step = width * 0.15;
    switch (event.key) {
      case 'ArrowLeft':
        behaviour.translateBy(target, step / transform.k, 0);
        break;
      case 'ArrowRight':
        behaviour.translateBy(target, -step / transform.k, 0);
        break;
      case '+':
      case '=':
        behaviour.scaleBy(target, 1.5, [width / 2, 0]);
        break;
      case '-':
        behaviour.scaleBy(target, 1 / 1.5, [width / 2, 0]);
        break;
      case '0':
      case 'Home':
        behaviour.transform(target, zoomIdentity);
        break;
      case 'Escape':
        if (selection === null) return;
        onSelect(null, null);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const overlays = (node: number) => {
    const boxes: { left: number; width: number; key: string; live: boolean }[] = [];
    if (brush !== null) {
      const left = Math.min(brush.x0, brush.x1);
      boxes.push({ left, width: Math.max(1, Math.abs(brush.x1 - brush.x0)), key: 'brush', live: true });
    } else {
      for (const span of selectedSpans) {
        const left = Math.max(0, xOfPage(view, span.start));
        const right = Math.min(width, xOfPage(view, span.end));
        if (right < 0 || left > width) continue;
        boxes.push({ left, width: Math.max(2, right - left), key: `${span.start}`, live: false });
      }
    }
    return boxes.map((box) => (
      <div
        key={box.key}
        className={`selection-box${box.live ? ' live' : ''}${drag?.from === node ? ' dragging' : ''}`}
        style={{ left: box.left, width: box.width }}
      />
    ));
  };

  const visibleFrom = Math.max(0, view.start);
  const visibleTo = Math.min(totalPages, pageOfX(view, width));
  const zoomText =
    view.pagesPerPixel >= 1
      ? `${formatCount(Math.round(view.pagesPerPixel))} pages a pixel`
      : `${formatCount(Math.round(1 / view.pagesPerPixel))} pixels a page`;

  return (
    <section className="heatmaps" aria-label="Placement heatmaps">
      <div className="heatmap-status">
        <span>
          Showing {formatCount(Math.max(0, Math.round(visibleTo - visibleFrom)))} of {formatCount(totalPages)} pages · {zoomText} ·{' '}
          {regionsBetween(data.layout, visibleFrom, visibleTo).length} regions
        </span>
        <span className="hint">wheel: zoom · shift+wheel or drag the ruler: pan · drag: select · drag a selection onto another node: move · keys: ← → + − 0</span>
      </div>
      <div
        ref={containerRef}
        className="heatmap-stack"
        tabIndex={0}
        role="group"
        aria-label="Heatmaps: arrow keys pan, + and - zoom, 0 resets, Escape clears the selection"
        onKeyDown={onKeyDown}
      >
        <canvas ref={rulerRef} className="ruler" data-pan-handle="" style={{ height: RULER_HEIGHT }} aria-hidden="true" />
        {panelNodes.map((node, slot) => {
          const info = nodes.find((n) => n.id === node);
          const pages = data.total.byNode.get(node) ?? 0;
          return (
            <div key={node} className={`node-row${drag !== null && drag.target === node && drag.from !== node ? ' drop-target' : ''}`}>
              <div className="node-label">
                <span className="swatch" style={{ background: nodeColour(slot) }} />
                <strong>node {node}</strong>
                {info?.cpuless === true ? <span className="badge">memory only</span> : null}
                <span className="muted">
                  {formatCount(pages)} pages · {formatBytes(pages * data.layout.pageSize)}
                </span>
              </div>
              <div
                className="node-panel"
                data-node-panel={node}
                style={{ height: PANEL_HEIGHT }}
                onPointerDown={(e) => onPointerDown(e, node)}
                onPointerMove={(e) => onPointerMove(e, node)}
                onPointerUp={onPointerUp}
                onPointerCancel={() => {
                  setBrush(null);
                  setDrag(null);
                }}
                onPointerLeave={() => setHover(null)}
              >
                <canvas
                  ref={(canvas) => {
                    if (canvas === null) canvases.current.delete(node);
                    else canvases.current.set(node, canvas);
                  }}
                  style={{ width: '100%', height: PANEL_HEIGHT }}
                  role="img"
                  aria-label={`Heatmap of node ${node}: share of each address range's pages on node ${node}`}
                />
                {overlays(node)}
                {hover !== null && hover.node === node ? (
                  <div className="hover-line" style={{ left: hover.clientX - (canvases.current.get(node)?.getBoundingClientRect().left ?? 0) }} />
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
      {hover !== null ? <Tooltip hover={hover} /> : null}
      {drag !== null ? (
        <div className="drag-ghost" style={{ left: drag.clientX + 14, top: drag.clientY + 14 }}>
          {drag.target !== null && drag.target !== drag.from
            ? `Move ${formatCount(selectedPages)} pages to node ${drag.target}`
            : `Drop on another node's panel to move ${formatCount(selectedPages)} pages`}
        </div>
      ) : null}
    </section>
  );
}

function Tooltip({ hover }: { hover: Hover }) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: hover.clientX + 14, top: hover.clientY + 16 });
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const { width, height } = element.getBoundingClientRect();
    const left = Math.min(hover.clientX + 14, window.innerWidth - width - 8);
    const top = hover.clientY + 16 + height > window.innerHeight ? hover.clientY - height - 10 : hover.clientY + 16;
    setPosition({ left: Math.max(4, left), top: Math.max(4, top) });
  }, [hover]);
  return (
    <div ref={ref} className="tooltip" role="tooltip" data-testid="heatmap-tooltip" style={position}>
      {hover.lines.map((line, i) => (
        <div key={i} className={i === 0 ? 'tooltip-address' : undefined}>
          {line}
        </div>
      ))}
    </div>
  );
}

async function exportPng(nodes: readonly number[], canvases: Map<number, HTMLCanvasElement>, ruler: HTMLCanvasElement | null, data: ViewData): Promise<Blob | null> {
  const panels = nodes.flatMap((node) => {
    const canvas = canvases.get(node);
    return canvas === undefined ? [] : [{ node, canvas }];
  });
  const first = panels[0];
  if (first === undefined) return null;
  const width = first.canvas.width;
  const label = 24;
  const rulerHeight = ruler?.height ?? 0;
  const out = document.createElement('canvas');
  out.width = width;
  out.height = label + rulerHeight + panels.reduce((sum, p) => sum + p.canvas.height + label, 0);
  const ctx = out.getContext('2d');
  if (ctx === null) return null;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#1d2733';
  ctx.font = '14px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const p = data.summary.process;
  ctx.fillText(`numascope · pid ${p.pid} ${p.comm} · ${data.summary.takenAt}`, 6, label / 2);
  let y = label;
  if (ruler !== null) {
    ctx.drawImage(ruler, 0, y);
    y += rulerHeight;
  }
  for (const { node, canvas } of panels) {
    ctx.fillStyle = '#1d2733';
    ctx.fillText(`node ${node}`, 6, y + label / 2);
    y += label;
    ctx.drawImage(canvas, 0, y);
    y += canvas.height;
  }
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}
