/**
 * All panels in one PNG that explains itself: the title (process, pid, when, host kernel),
 * a legend with each node's colour and totals and how to read the colours, the ruler, each
 * node's labelled panel, and an address axis. Always on white: the picture goes into
 * documents and tickets, whatever the page's theme.
 */
import type { ViewData } from '../model/data.js';
import type { View } from '../model/view.js';
import { EXPORT_LABEL_HEIGHT, EXPORT_LEGEND_LINE, EXPORT_MARGIN, EXPORT_TITLE_HEIGHT, axisTicks, exportLayout, exportTitle, nodeTotalText } from './export-layout.js';
import { COLOURS, nodeColour, shareColour } from './palette.js';

const INK = '#1d2733';
const MUTED = '#5d6b7a';
const FONT = 'system-ui, sans-serif';
const SWATCH = 12;
const GAP = 18;

type Ctx = CanvasRenderingContext2D;

interface LegendItem {
  width: number;
  draw(ctx: Ctx, x: number, y: number): void;
}

function swatchItem(ctx: Ctx, fill: string, text: string): LegendItem {
  ctx.font = `12px ${FONT}`;
  return {
    width: SWATCH + 6 + ctx.measureText(text).width,
    draw(c, x, y) {
      c.fillStyle = fill;
      c.fillRect(x, y - SWATCH / 2, SWATCH, SWATCH);
      c.strokeStyle = MUTED;
      c.lineWidth = 1;
      c.strokeRect(x + 0.5, y - SWATCH / 2 + 0.5, SWATCH - 1, SWATCH - 1);
      c.fillStyle = INK;
      c.font = `12px ${FONT}`;
      c.fillText(text, x + SWATCH + 6, y);
    },
  };
}

function rampItem(ctx: Ctx): LegendItem {
  const text = 'share of a column’s pages on the node: 0% → 100%';
  ctx.font = `12px ${FONT}`;
  const ramp = 90;
  return {
    width: ramp + 6 + ctx.measureText(text).width,
    draw(c, x, y) {
      const gradient = c.createLinearGradient(x, 0, x + ramp, 0);
      for (const stop of [0, 0.25, 0.5, 0.75, 1]) gradient.addColorStop(stop, shareColour(stop));
      c.fillStyle = gradient;
      c.fillRect(x, y - SWATCH / 2, ramp, SWATCH);
      c.fillStyle = INK;
      c.fillText(text, x + ramp + 6, y);
    },
  };
}

/** The legend's items, flowed into lines no wider than `width`. */
function legendLines(ctx: Ctx, data: ViewData, width: number): LegendItem[][] {
  const pageSize = data.layout.pageSize;
  const items = data.panelNodes.map((node, slot) => swatchItem(ctx, nodeColour(slot), nodeTotalText(node, data.total.byNode.get(node) ?? 0, data.total.pages, pageSize)));
  items.push(rampItem(ctx), swatchItem(ctx, COLOURS.hatchDark, 'not present'), swatchItem(ctx, COLOURS.changed, 'changed'));
  const lines: LegendItem[][] = [[]];
  let used = 0;
  for (const item of items) {
    const line = lines[lines.length - 1] as LegendItem[];
    if (line.length > 0 && used + GAP + item.width > width) {
      lines.push([item]);
      used = item.width;
    } else {
      used += (line.length > 0 ? GAP : 0) + item.width;
      line.push(item);
    }
  }
  return lines;
}

export async function heatmapsPng(nodes: readonly number[], canvases: ReadonlyMap<number, HTMLCanvasElement>, ruler: HTMLCanvasElement | null, data: ViewData, view: View): Promise<Blob | null> {
  const panels = nodes.flatMap((node) => {
    const canvas = canvases.get(node);
    return canvas === undefined ? [] : [{ node, canvas, width: canvas.width, height: canvas.height }];
  });
  const first = panels[0];
  const out = document.createElement('canvas');
  const ctx = out.getContext('2d');
  if (first === undefined || ctx === null) return null;
  const legend = legendLines(ctx, data, first.width);
  const layout = exportLayout(panels, ruler?.height ?? null, legend.length);
  if (layout === null) return null;
  out.width = layout.width;
  out.height = layout.height;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.textBaseline = 'middle';
  const x0 = EXPORT_MARGIN;

  const [title, facts] = exportTitle({ process: data.summary.process, takenAt: data.summary.takenAt, kernel: data.topology.kernel, total: data.total, pageSize: data.layout.pageSize });
  ctx.fillStyle = INK;
  ctx.font = `bold 16px ${FONT}`;
  ctx.fillText(title, x0, 16);
  ctx.fillStyle = MUTED;
  ctx.font = `12px ${FONT}`;
  ctx.fillText(facts, x0, EXPORT_TITLE_HEIGHT - 14);

  legend.forEach((line, i) => {
    let x = x0;
    for (const item of line) {
      item.draw(ctx, x, layout.legendY + i * EXPORT_LEGEND_LINE + EXPORT_LEGEND_LINE / 2);
      x += item.width + GAP;
    }
  });

  if (ruler !== null && layout.rulerY !== null) ctx.drawImage(ruler, x0, layout.rulerY);
  layout.panels.forEach((placed, slot) => {
    const canvas = panels[slot]?.canvas;
    if (canvas === undefined) return;
    const pages = data.total.byNode.get(placed.node) ?? 0;
    swatchItem(ctx, nodeColour(data.panelNodes.indexOf(placed.node)), nodeTotalText(placed.node, pages, data.total.pages, data.layout.pageSize)).draw(ctx, x0, placed.labelY + EXPORT_LABEL_HEIGHT / 2);
    ctx.drawImage(canvas, x0, placed.imageY);
  });

  // The address axis: ticks at evenly spaced columns, the address of the page there.
  const width = first.width;
  const ticks = axisTicks(data.layout, view, Math.max(2, Math.floor(width / 200)));
  ctx.strokeStyle = MUTED;
  ctx.fillStyle = INK;
  ctx.font = `11px ui-monospace, 'DejaVu Sans Mono', monospace`;
  ctx.beginPath();
  ctx.moveTo(x0, layout.axisY + 0.5);
  ctx.lineTo(x0 + width, layout.axisY + 0.5);
  for (const tick of ticks) {
    const x = Math.round(x0 + tick.at * (width - 1)) + 0.5;
    ctx.moveTo(x, layout.axisY);
    ctx.lineTo(x, layout.axisY + 5);
    ctx.textAlign = tick.at === 0 ? 'left' : tick.at === 1 ? 'right' : 'center';
    ctx.fillText(tick.label, x, layout.axisY + 13);
  }
  ctx.stroke();
  ctx.textAlign = 'left';
  ctx.fillStyle = MUTED;
  ctx.font = `11px ${FONT}`;
  ctx.fillText('address (the gaps between regions are left out)', x0, layout.axisY + 26);
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}
