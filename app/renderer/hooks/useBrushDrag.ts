/**
 * Pointer gestures on the node panels: a drag selects pages (a brush), and a drag that starts
 * inside the selection carries it onto another node's panel to move the pages there.
 */
import { useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import type { PageSpan } from '../model/bins.js';
import type { Layout } from '../model/layout.js';
import { selectPixels, type AddressRange } from '../model/selection.js';
import type { View } from '../model/view.js';
import { InputLatency, type UserInput } from '../heatmap/input-latency.js';
import { insideSelection, type Brush } from '../heatmap/overlays.js';

/** A selection being carried towards another node. */
export interface Drag {
  from: number;
  clientX: number;
  clientY: number;
  /** The panel under the pointer, if any. */
  target: number | null;
}

export interface BrushDragOptions {
  layout: Layout;
  view: View;
  selected: readonly PageSpan[];
  canMove: boolean;
  /** Given focus when a gesture starts, so the keys work next. */
  focusTarget: RefObject<HTMLElement | null>;
  onSelect(ranges: AddressRange[] | null, node: number | null): void;
  onDrop(node: number): void;
}

export interface BrushDrag {
  brush: Brush | null;
  drag: Drag | null;
  /** Starts a brush or a drag on node's panel; true when it did. */
  start(event: ReactPointerEvent<HTMLElement>, node: number): boolean;
  /** Follows the pointer; false when no gesture is under way (the move is hover). */
  move(event: ReactPointerEvent<HTMLElement>): boolean;
  end(event: ReactPointerEvent<HTMLElement>): void;
  cancel(): void;
}

function localX(event: { clientX: number }, element: Element): number {
  const rect = element.getBoundingClientRect();
  return Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
}

function panelUnder(clientX: number, clientY: number): number | null {
  const element = document.elementFromPoint(clientX, clientY);
  const panel = element?.closest<HTMLElement>('[data-node-panel]');
  const id = panel?.dataset.nodePanel;
  return id === undefined ? null : Number(id);
}

export function useBrushDrag(options: BrushDragOptions): BrushDrag {
  const { layout, view, selected, canMove, focusTarget, onSelect, onDrop } = options;
  const [brush, setBrush] = useState<Brush | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  // The pointer event behind the brush drawn now, measured to the frame that shows it.
  const brushInput = useRef<UserInput | null>(null);
  const latency = useMemo(() => new InputLatency(), []);
  useLayoutEffect(() => {
    if (brush !== null) latency.drawn(brushInput.current, { fine: true, tile: '' });
  }, [brush, latency]);

  const start = (event: ReactPointerEvent<HTMLElement>, node: number): boolean => {
    if (event.button !== 0 || event.shiftKey) return false;
    const x = localX(event, event.currentTarget);
    // Cancelling pointerdown also stops the mouse events d3-zoom would pan with.
    event.preventDefault();
    focusTarget.current?.focus({ preventScroll: true });
    event.currentTarget.setPointerCapture(event.pointerId);
    if (canMove && insideSelection(view, selected, x)) setDrag({ from: node, clientX: event.clientX, clientY: event.clientY, target: node });
    else {
      brushInput.current = { at: event.timeStamp, kind: 'select' };
      setBrush({ node, x0: x, x1: x });
    }
    return true;
  };

  const move = (event: ReactPointerEvent<HTMLElement>): boolean => {
    if (brush !== null) {
      brushInput.current = { at: event.timeStamp, kind: 'select' };
      setBrush({ ...brush, x1: localX(event, event.currentTarget) });
      return true;
    }
    if (drag !== null) {
      setDrag({ ...drag, clientX: event.clientX, clientY: event.clientY, target: panelUnder(event.clientX, event.clientY) });
      return true;
    }
    return false;
  };

  const end = (event: ReactPointerEvent<HTMLElement>): void => {
    if (brush !== null) {
      setBrush(null);
      const x1 = localX(event, event.currentTarget);
      if (Math.abs(x1 - brush.x0) < 3) onSelect(null, null);
      else onSelect(selectPixels(layout, view, brush.x0, x1)?.ranges ?? null, brush.node);
    }
    if (drag !== null) {
      setDrag(null);
      const target = panelUnder(event.clientX, event.clientY);
      if (target !== null && target !== drag.from) onDrop(target);
    }
  };

  const cancel = (): void => {
    setBrush(null);
    setDrag(null);
  };

  return { brush, drag, start, move, end, cancel };
}
