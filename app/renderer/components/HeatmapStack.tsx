/**
 * One heatmap per node, stacked, sharing one view of the collapsed address space, so the
 * same x is the same address in every panel. React owns the layout and the interaction
 * state; d3-zoom owns the wheel/pan gesture on the container (useHeatmapZoom); the canvases
 * are painted in an animation frame from bins aggregated once for all panels, from the tile
 * the store picks for the view (useHeatmapDrawing; a finer tile is fetched when the view
 * needs it, and drawn when it arrives).
 *
 * Gestures: wheel zooms, shift+wheel or a drag on the ruler pans (so does shift+drag),
 * a drag on a panel selects pages, and a drag that starts inside the selection carries it
 * onto another node's panel to move the pages there (useBrushDrag). Arrow keys, + and - do
 * the same as the wheel and pan from the keyboard.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { TopologyNode } from './TopologyStrip.js';
import type { PageSpan } from '../model/bins.js';
import type { HeatSpan } from '../model/heat.js';
import type { ViewData } from '../model/data.js';
import { formatCount, plural } from '../model/format.js';
import { positionOfAddress, regionsBetween } from '../model/layout.js';
import { spansOfRanges, type AddressRange } from '../model/selection.js';
import type { TileStore } from '../model/tiles.js';
import { markBox, viewStatus, type GoToMark } from '../heatmap/overlays.js';
import { heatmapsPng } from '../heatmap/png-export.js';
import { RULER_HEIGHT } from '../heatmap/ruler.js';
import { keyCommand } from '../heatmap/zoom.js';
import { useBrushDrag } from '../hooks/useBrushDrag.js';
import { useHeatmapDrawing } from '../hooks/useHeatmapDrawing.js';
import { useHeatmapHover } from '../hooks/useHeatmapHover.js';
import { useHeatmapZoom, type FocusRequest } from '../hooks/useHeatmapZoom.js';
import { useLayoutMode } from '../hooks/useLayoutMode.js';
import { useWidthAndPixelRatio } from '../hooks/useWidthAndPixelRatio.js';
import { HeatBand } from './HeatBand.js';
import { HeatmapTooltip } from './HeatmapTooltip.js';
import { NodeHeatmapRow } from './NodeHeatmapRow.js';
import { AddressAxis } from './AddressAxis.js';
import { GoToAddress } from './GoToAddress.js';
import { LayoutSwitch } from './LayoutSwitch.js';
import { Legend } from './Legend.js';
import { Minimap } from './Minimap.js';
import { StripRow } from './StripRow.js';
import { hex } from '../model/format.js';
import type { Found } from '../model/find.js';

export type { FocusRequest } from '../hooks/useHeatmapZoom.js';

export interface HeatmapHandle {
  /** All panels in one PNG, with their labels. */
  toPng(): Promise<Blob | null>;
  /** Runs a view key (heatmap/zoom.ts's keyCommand: arrows, + -, 0) as if pressed on the heatmaps; false when it did nothing. */
  viewKey(key: string): boolean;
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
  /** Move everything on one node to another (null: the user chooses); absent when nothing may move. */
  onNodeMove?(from: number, to: number | null): void;
  /** Called after the first draw of each new `data` on every panel. */
  onDataDrawn?(data: ViewData): void;
  handleRef: RefObject<HeatmapHandle | null>;
  /** The heat band under the panels, when a measurement is shown and the band is on. */
  heat?: { spans: readonly HeatSpan[]; label: string } | null;
}

/** The node a brush on the single strip reports: none. */
const STRIP = -1;

export function HeatmapStack(props: Props) {
  const { data, tiles, nodes, highlights, selection, focus, canMove, onSelect, onDrop, onNodeMove, onDataDrawn, handleRef } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const rulerRef = useRef<HTMLCanvasElement>(null);
  const stripRef = useRef<HTMLCanvasElement>(null);
  const canvases = useRef(new Map<number, HTMLCanvasElement>());
  const layout = data.layout;
  const [layoutMode, setLayoutMode] = useLayoutMode();
  // Kept as addresses: every scan brings a new layout, and the mark stays on the same pages.
  const [marked, setMarked] = useState<{ start: bigint; end: bigint; label: string } | null>(null);
  const mark = useMemo((): GoToMark | null => {
    if (marked === null) return null;
    const from = positionOfAddress(layout, marked.start).page;
    const to = positionOfAddress(layout, marked.end).page;
    return to > from ? { from, to, label: marked.label } : null;
  }, [marked, layout]);
  const [zoomTo, setZoomTo] = useState<FocusRequest | null>(null);
  // One stream of focus requests for the zoom: the selection's (a region picked in the table) and "go to"'s.
  useEffect(() => {
    if (focus !== null) setZoomTo((f) => ({ from: focus.from, to: focus.to, seq: (f?.seq ?? 0) + 1 }));
  }, [focus]);

  const { width, dpr } = useWidthAndPixelRatio(containerRef);
  const zoom = useHeatmapZoom(containerRef, layout, width, zoomTo);
  const view = zoom.view;
  const drawnTile = useHeatmapDrawing(
    { container: containerRef, ruler: rulerRef, panels: canvases, strip: stripRef },
    { data, tiles, view, width, dpr, highlights, layoutMode, zoom, onDataDrawn },
  );
  const goTo = (found: Exclude<Found, { kind: 'none' }>): void => {
    const { region } = found;
    const size = BigInt(layout.pageSize);
    const [from, to] = found.kind === 'page' ? [found.page, found.page + 1] : [region.offset, region.offset + region.pages];
    const [start, end] = found.kind === 'page' ? [found.address, found.address + size] : [region.start, region.end];
    // A page is shown with some pages either side of it, so where it sits stays readable.
    const [zoomFrom, zoomEnd] = found.kind === 'page' ? [Math.max(0, from - 32), Math.min(layout.totalPages, to + 32)] : [from, to];
    setMarked({ start, end, label: found.kind === 'page' ? `${hex(found.address)} in ${region.name} ${region.perms}` : `${region.name} ${hex(region.start)}` });
    setZoomTo((f) => ({ from: zoomFrom, to: zoomEnd, seq: (f?.seq ?? 0) + 1 }));
  };
  // Pans are relative: moves that come faster than renders start from where the last one went, not from the view last rendered.
  const pannedTo = useRef<number | null>(null);
  useLayoutEffect(() => {
    pannedTo.current = null;
  }, [view]);
  const moveTo = (start: number): void => {
    if (!(view.pagesPerPixel > 0)) return;
    zoom.runKeyCommand({ kind: 'pan', pixels: ((pannedTo.current ?? view.start) - start) / view.pagesPerPixel });
    pannedTo.current = start;
  };
  const shownMark = markBox(mark, view);

  const panelNodes = data.panelNodes;
  const { runKeyCommand } = zoom;
  useEffect(() => {
    handleRef.current = {
      toPng: () => heatmapsPng(panelNodes, canvases.current, rulerRef.current, data, view),
      viewKey: (key) => {
        const command = keyCommand(key, width);
        return command !== null && command.kind !== 'clear-selection' && runKeyCommand(command);
      },
    };
  }, [handleRef, panelNodes, data, view, width, runKeyCommand]);

  const selectedSpans = useMemo(() => (selection === null ? [] : spansOfRanges(layout, selection)), [selection, layout]);
  const selectedPages = selectedSpans.reduce((sum, s) => sum + s.end - s.start, 0);
  // A brush on the strip belongs to no node's panel.
  const gesture = useBrushDrag({ layout, view, selected: selectedSpans, canMove, focusTarget: containerRef, onSelect: (ranges, node) => onSelect(ranges, node === STRIP ? null : node), onDrop });
  const { brush, drag } = gesture;
  const hover = useHeatmapHover(layout, tiles, view, drawnTile);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const command = keyCommand(event.key, width);
    if (command === null) return;
    if (command.kind === 'clear-selection') {
      if (selection === null) return;
      onSelect(null, null);
    } else if (!zoom.runKeyCommand(command)) return;
    event.preventDefault();
  };

  const status = viewStatus(view, layout.totalPages);

  return (
    <section className="heatmaps" aria-label="Placement heatmaps">
      <Legend layout={layoutMode} />
      <div className="heatmap-status">
        <LayoutSwitch mode={layoutMode} onChange={setLayoutMode} />
        <span data-testid="view-status">
          Showing {formatCount(status.pages)} of {plural(layout.totalPages, 'page')} · {status.zoom} · {plural(regionsBetween(layout, status.from, status.to).length, 'region')}
        </span>
        <GoToAddress layout={layout} onFound={goTo} />
        {mark !== null ? (
          <span className="goto-label" data-testid="goto-label">
            ▼ {mark.label}
          </span>
        ) : null}
      </div>
      <div className="hint">wheel: zoom · shift+wheel or drag the region band: pan · drag: select · drag a selection onto another node: move · keys: ← → + − 0</div>
      <div
        ref={containerRef}
        className="heatmap-stack"
        tabIndex={0}
        role="group"
        aria-label="Heatmaps: arrow keys pan, + and - zoom, 0 resets, Escape clears the selection"
        onKeyDown={onKeyDown}
      >
        <Minimap data={data} tiles={tiles} view={view} dpr={dpr} onMoveTo={moveTo} />
        {layoutMode === 'strip' ? (
          <StripRow
            data={data}
            view={view}
            brush={brush}
            selected={selectedSpans}
            hoverX={hover.hover !== null && hover.hover.node === null ? hover.hover.clientX : null}
            mark={shownMark}
            canvas={stripRef}
            onPointerDown={(event) => {
              if (gesture.start(event, STRIP)) hover.clear();
            }}
            onPointerMove={(event) => {
              if (!gesture.move(event)) hover.follow(event, null);
            }}
            onPointerUp={gesture.end}
            onPointerCancel={gesture.cancel}
            onPointerLeave={hover.clear}
          />
        ) : null}
        {panelNodes.filter(() => layoutMode === 'rows').map((node, slot) => (
          <NodeHeatmapRow
            key={node}
            node={node}
            slot={slot}
            cpuless={nodes.find((n) => n.id === node)?.cpuless === true}
            pages={data.total.byNode.get(node) ?? 0}
            pageSize={layout.pageSize}
            view={view}
            brush={brush}
            selected={selectedSpans}
            drag={drag}
            hoverX={hover.hover !== null && hover.hover.node === node ? hover.hover.clientX : null}
            mark={shownMark}
            canvases={canvases}
            onPointerDown={(event) => {
              if (gesture.start(event, node)) hover.clear();
            }}
            onPointerMove={(event) => {
              if (!gesture.move(event)) hover.follow(event, node);
            }}
            onPointerUp={gesture.end}
            onPointerCancel={gesture.cancel}
            onPointerLeave={hover.clear}
            {...(canMove && onNodeMove !== undefined ? { onNodeMove } : {})}
          />
        ))}
        {props.heat ? <HeatBand spans={props.heat.spans} label={props.heat.label} view={view} width={width} dpr={dpr} /> : null}
        <canvas ref={rulerRef} className="ruler" data-pan-handle="" data-testid="region-band" style={{ height: RULER_HEIGHT }} aria-hidden="true" />
        <AddressAxis layout={layout} view={view} />
      </div>
      {hover.hover !== null ? <HeatmapTooltip hover={hover.hover} /> : null}
      {drag !== null ? (
        <div className="drag-ghost" style={{ left: drag.clientX + 14, top: drag.clientY + 14 }}>
          {drag.target !== null && drag.target !== drag.from
            ? `Move ${plural(selectedPages, 'page')} to node ${drag.target}`
            : `Drop on another node's panel to move ${plural(selectedPages, 'page')}`}
        </div>
      ) : null}
    </section>
  );
}
