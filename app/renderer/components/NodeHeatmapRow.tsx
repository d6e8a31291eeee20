/**
 * One node's row in the heatmap stack: its label, its canvas, and the selection and hover drawn
 * over it. The label carries the whole node: dragged onto another row, or through its
 * "Move all…" button, it asks to move every page of the process on this node.
 */
import { useState, type DragEvent, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import type { PageSpan } from '../model/bins.js';
import { formatBytes, plural } from '../model/format.js';
import type { View } from '../model/view.js';
import { PANEL_HEIGHT } from '../heatmap/frame-plan.js';
import { selectionBoxes, type Brush } from '../heatmap/overlays.js';
import { nodeColour } from '../heatmap/palette.js';
import { PanelMarks } from './PanelMarks.js';
import type { Drag } from '../hooks/useBrushDrag.js';

type PanelPointerHandler = (event: ReactPointerEvent<HTMLDivElement>) => void;

/** What a dragged node label carries: its node id. */
const NODE_DRAG = 'application/x-numascope-node';

function draggedNode(event: DragEvent<HTMLDivElement>): boolean {
  return event.dataTransfer.types.includes(NODE_DRAG);
}

interface Props {
  node: number;
  /** Position among the panels, which picks the node's colour. */
  slot: number;
  cpuless: boolean;
  /** Pages of the process on this node. */
  pages: number;
  pageSize: number;
  view: View;
  brush: Brush | null;
  selected: readonly PageSpan[];
  drag: Drag | null;
  /** Client x of the pointer over this panel, or null. */
  hoverX: number | null;
  /** The "go to" mark in CSS pixels, or null. */
  mark: { left: number; width: number } | null;
  /** Where each panel registers its canvas for drawing and export. */
  canvases: RefObject<Map<number, HTMLCanvasElement>>;
  onPointerDown: PanelPointerHandler;
  onPointerMove: PanelPointerHandler;
  onPointerUp: PanelPointerHandler;
  onPointerCancel(): void;
  onPointerLeave(): void;
  /** Move everything on `from` to `to` (null: let the user choose); absent when nothing may move. */
  onNodeMove?: (from: number, to: number | null) => void;
}

export function NodeHeatmapRow(props: Props) {
  const { node, slot, cpuless, pages, pageSize, view, brush, selected, drag, hoverX, canvases } = props;
  const { onNodeMove } = props;
  const [nodeOver, setNodeOver] = useState(false);
  const dropTarget = (drag !== null && drag.target === node && drag.from !== node) || nodeOver;
  const nodeDrop =
    onNodeMove === undefined
      ? {}
      : {
          onDragOver: (event: DragEvent<HTMLDivElement>) => {
            if (!draggedNode(event)) return;
            event.preventDefault();
            setNodeOver(true);
          },
          onDragLeave: () => setNodeOver(false),
          onDrop: (event: DragEvent<HTMLDivElement>) => {
            setNodeOver(false);
            if (!draggedNode(event)) return;
            event.preventDefault();
            const from = Number(event.dataTransfer.getData(NODE_DRAG));
            if (Number.isInteger(from) && from !== node) onNodeMove(from, node);
          },
        };
  const canMoveNode = onNodeMove !== undefined && pages > 0;
  return (
    <div className={`node-row${dropTarget ? ' drop-target' : ''}`} data-node-row={node} {...nodeDrop}>
      <div
        className={`node-label${canMoveNode ? ' movable' : ''}`}
        data-node-label={node}
        draggable={canMoveNode}
        title={canMoveNode ? `Drag onto another node's panel to move all of node ${node}'s pages there` : undefined}
        onDragStart={(event) => {
          event.dataTransfer.setData(NODE_DRAG, String(node));
          event.dataTransfer.effectAllowed = 'move';
        }}
      >
        <span className="swatch" style={{ background: nodeColour(slot) }} />
        <strong>node {node}</strong>
        {cpuless ? <span className="badge">memory only</span> : null}
        <span className="muted">
          {plural(pages, 'page')} · {formatBytes(pages * pageSize)}
        </span>
        {canMoveNode ? (
          <button type="button" className="node-move" data-testid={`move-node-${node}`} onClick={() => onNodeMove(node, null)}>
            Move all of node {node}…
          </button>
        ) : null}
      </div>
      <div
        className="node-panel"
        data-node-panel={node}
        style={{ height: PANEL_HEIGHT }}
        onPointerDown={props.onPointerDown}
        onPointerMove={props.onPointerMove}
        onPointerUp={props.onPointerUp}
        onPointerCancel={props.onPointerCancel}
        onPointerLeave={props.onPointerLeave}
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
        {selectionBoxes(brush, selected, view).map((box) => (
          <div key={box.key} className={`selection-box${box.live ? ' live' : ''}${drag?.from === node ? ' dragging' : ''}`} style={{ left: box.left, width: box.width }} />
        ))}
        <PanelMarks mark={props.mark} hoverLeft={hoverX === null ? null : hoverX - (canvases.current.get(node)?.getBoundingClientRect().left ?? 0)} />
      </div>
    </div>
  );
}
