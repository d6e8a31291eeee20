/** The single-strip layout: one canvas for all nodes (heatmap/strip.ts), with the node colours as its legend. */
import type { PointerEvent as ReactPointerEvent, RefObject } from 'react';
import type { PageSpan } from '../model/bins.js';
import type { ViewData } from '../model/data.js';
import { formatBytes, formatPercent } from '../model/format.js';
import type { View } from '../model/view.js';
import { selectionBoxes, type Brush } from '../heatmap/overlays.js';
import { colourOfNode } from '../heatmap/palette.js';
import { STRIP_HEIGHT } from '../heatmap/strip.js';
import { PanelMarks } from './PanelMarks.js';

type PanelPointerHandler = (event: ReactPointerEvent<HTMLDivElement>) => void;

interface Props {
  data: ViewData;
  view: View;
  brush: Brush | null;
  selected: readonly PageSpan[];
  hoverX: number | null;
  mark: { left: number; width: number } | null;
  canvas: RefObject<HTMLCanvasElement | null>;
  onPointerDown: PanelPointerHandler;
  onPointerMove: PanelPointerHandler;
  onPointerUp: PanelPointerHandler;
  onPointerCancel(): void;
  onPointerLeave(): void;
}

export function StripRow(props: Props) {
  const { data, view, brush, selected, hoverX, canvas } = props;
  const { total, panelNodes, layout } = data;
  return (
    <div className="node-row strip-row">
      <div className="node-label">
        <strong>dominant node</strong>
        {panelNodes.map((node) => {
          const pages = total.byNode.get(node) ?? 0;
          return (
            <span key={node} className="strip-key">
              <span className="swatch" style={{ background: colourOfNode(node, panelNodes) }} />
              node {node} <span className="muted">{formatBytes(pages * layout.pageSize)} · {formatPercent(pages, total.pages)}</span>
            </span>
          );
        })}
      </div>
      <div
        className="node-panel"
        data-strip-panel=""
        style={{ height: STRIP_HEIGHT }}
        onPointerDown={props.onPointerDown}
        onPointerMove={props.onPointerMove}
        onPointerUp={props.onPointerUp}
        onPointerCancel={props.onPointerCancel}
        onPointerLeave={props.onPointerLeave}
      >
        <canvas ref={canvas} style={{ width: '100%', height: STRIP_HEIGHT }} role="img" aria-label="Heatmap: each address range in the colour of the node holding most of its pages" />
        {selectionBoxes(brush, selected, view).map((box) => (
          <div key={box.key} className={`selection-box${box.live ? ' live' : ''}`} style={{ left: box.left, width: box.width }} />
        ))}
        <PanelMarks mark={props.mark} hoverLeft={hoverX === null ? null : hoverX - (canvas.current?.getBoundingClientRect().left ?? 0)} />
      </div>
    </div>
  );
}
