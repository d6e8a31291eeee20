/** A kept poll's whole layout in one thin strip: each stretch in the colour of the status most of its pages have. */
import { useLayoutEffect, useRef } from 'react';
import type { PlacementTile } from '../../common/placement-tiles.js';
import { colourOfNode } from '../heatmap/palette.js';

const ABSENT = '#b8bec6';
const WIDTH = 240;
const HEIGHT = 12;

function colourOf(status: number, order: readonly number[]): string {
  return status >= 0 ? colourOfNode(status, order) : ABSENT;
}

function paint(context: CanvasRenderingContext2D, tile: PlacementTile, order: readonly number[]): void {
  const span = Math.max(tile.to - tile.from, 1);
  const x = (page: number): number => (page * WIDTH) / span;
  if (tile.kind === 'runs') {
    let at = 0;
    for (let i = 0; i + 1 < tile.runs.length; i += 2) {
      const pages = tile.runs[i] as number;
      context.fillStyle = colourOf(tile.runs[i + 1] as number, order);
      context.fillRect(x(at), 0, Math.max(x(at + pages) - x(at), 0.5), HEIGHT);
      at += pages;
    }
    return;
  }
  const width = tile.statuses.length;
  const bins = Math.ceil(span / tile.pagesPerBin);
  for (let b = 0; b < bins; b++) {
    let best = 0;
    for (let c = 1; c < width; c++) if ((tile.counts[b * width + c] as number) > (tile.counts[b * width + best] as number)) best = c;
    context.fillStyle = colourOf(tile.statuses[best] as number, order);
    context.fillRect(x(b * tile.pagesPerBin), 0, Math.max(x((b + 1) * tile.pagesPerBin) - x(b * tile.pagesPerBin), 0.5), HEIGHT);
  }
}

export function PollPicture({ tile, order }: { tile: PlacementTile; order: readonly number[] }) {
  const canvas = useRef<HTMLCanvasElement | null>(null);
  useLayoutEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    const dpr = window.devicePixelRatio || 1;
    element.width = WIDTH * dpr;
    element.height = HEIGHT * dpr;
    context.setTransform(dpr, 0, 0, dpr, 0, 0);
    context.clearRect(0, 0, WIDTH, HEIGHT);
    paint(context, tile, order);
  }, [tile, order]);
  return <canvas ref={canvas} className="poll-picture" style={{ width: WIDTH, height: HEIGHT }} data-testid="poll-picture" />;
}
