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
import { useEffect, useMemo, useRef, type KeyboardEvent, type RefObject } from 'react';
import type { TopologyNode } from './TopologyStrip.js';
import type { PageSpan } from '../model/bins.js';
import type { ViewData } from '../model/data.js';
import { formatCount, plural } from '../model/format.js';
import { regionsBetween } from '../model/layout.js';
import { spansOfRanges, type AddressRange } from '../model/selection.js';
import type { TileStore } from '../model/tiles.js';
import { viewStatus } from '../heatmap/overlays.js';
import { heatmapsPng } from '../heatmap/png-export.js';
import { RULER_HEIGHT } from '../heatmap/ruler.js';
import { keyCommand } from '../heatmap/zoom.js';
import { useBrushDrag } from '../hooks/useBrushDrag.js';
import { useHeatmapDrawing } from '../hooks/useHeatmapDrawing.js';
import { useHeatmapHover } from '../hooks/useHeatmapHover.js';
import { useHeatmapZoom, type FocusRequest } from '../hooks/useHeatmapZoom.js';
import { useWidthAndPixelRatio } from '../hooks/useWidthAndPixelRatio.js';
import { HeatmapTooltip } from './HeatmapTooltip.js';
import { NodeHeatmapRow } from './NodeHeatmapRow.js';

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
  /** Called after the first draw of each new `data` on every panel. */
  onDataDrawn?(data: ViewData): void;
  handleRef: RefObject<HeatmapHandle | null>;
}

export function HeatmapStack(props: Props) {
  const { data, tiles, nodes, highlights, selection, focus, canMove, onSelect, onDrop, onDataDrawn, handleRef } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const rulerRef = useRef<HTMLCanvasElement>(null);
  const canvases = useRef(new Map<number, HTMLCanvasElement>());
  const layout = data.layout;

  const { width, dpr } = useWidthAndPixelRatio(containerRef);
  const zoom = useHeatmapZoom(containerRef, layout, width, focus);
  const view = zoom.view;
  const drawnTile = useHeatmapDrawing({ container: containerRef, ruler: rulerRef, panels: canvases }, { data, tiles, view, width, dpr, highlights, zoom, onDataDrawn });

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
  const gesture = useBrushDrag({ layout, view, selected: selectedSpans, canMove, focusTarget: containerRef, onSelect, onDrop });
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
      <div className="heatmap-status">
        <span>
          Showing {formatCount(status.pages)} of {plural(layout.totalPages, 'page')} · {status.zoom} · {plural(regionsBetween(layout, status.from, status.to).length, 'region')}
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
        {panelNodes.map((node, slot) => (
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
          />
        ))}
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
