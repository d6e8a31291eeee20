/** All panels in one PNG, with a title and their labels, laid out by exportLayout. */
import type { ViewData } from '../model/data.js';
import { EXPORT_LABEL_HEIGHT, exportLayout, exportTitle } from './export-layout.js';

const INK = '#1d2733';

export async function heatmapsPng(nodes: readonly number[], canvases: ReadonlyMap<number, HTMLCanvasElement>, ruler: HTMLCanvasElement | null, data: ViewData): Promise<Blob | null> {
  const panels = nodes.flatMap((node) => {
    const canvas = canvases.get(node);
    return canvas === undefined ? [] : [{ node, canvas, width: canvas.width, height: canvas.height }];
  });
  const layout = exportLayout(panels, ruler?.height ?? null);
  if (layout === null) return null;
  const out = document.createElement('canvas');
  out.width = layout.width;
  out.height = layout.height;
  const ctx = out.getContext('2d');
  if (ctx === null) return null;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = INK;
  ctx.font = '14px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText(exportTitle(data.summary.process, data.summary.takenAt), 6, EXPORT_LABEL_HEIGHT / 2);
  if (ruler !== null && layout.rulerY !== null) ctx.drawImage(ruler, 0, layout.rulerY);
  layout.panels.forEach((placed, i) => {
    const canvas = panels[i]?.canvas;
    if (canvas === undefined) return;
    ctx.fillStyle = INK;
    ctx.fillText(`node ${placed.node}`, 6, placed.labelY + EXPORT_LABEL_HEIGHT / 2);
    ctx.drawImage(canvas, 0, placed.imageY);
  });
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}
