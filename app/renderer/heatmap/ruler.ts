/** The ruler above the heatmap panels: region names and bands, drawn on a canvas. */
import type { ViewData } from '../model/data.js';
import { formatBytes, hex } from '../model/format.js';
import { regionsBetween, type LayoutRegion } from '../model/layout.js';
import { pageOfX, xOfPage, type View } from '../model/view.js';

export const RULER_HEIGHT = 22;

/** Region names and bands above the panels; also the handle for panning with the mouse. */
export function drawRuler(canvas: HTMLCanvasElement | null, data: ViewData, view: View, dpr: number): void {
  if (canvas === null) return;
  const width = Math.round(view.width * dpr);
  const height = Math.round(RULER_HEIGHT * dpr);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  canvas.style.width = '100%';
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, view.width, RULER_HEIGHT);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const from = Math.max(0, view.start);
  const to = pageOfX(view, view.width);
  let band = 0;
  for (const index of regionsBetween(data.layout, from, to)) {
    const region = data.layout.regions[index] as LayoutRegion;
    const left = Math.max(0, xOfPage(view, region.offset));
    const right = Math.min(view.width, xOfPage(view, region.offset + region.pages));
    ctx.fillStyle = band++ % 2 === 0 ? '#e9edf2' : '#dde3ea';
    ctx.fillRect(left, 0, right - left, RULER_HEIGHT - 2);
    if (right - left < 24) continue;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left + 3, 0, right - left - 6, RULER_HEIGHT);
    ctx.clip();
    ctx.fillStyle = '#1d2733';
    const label = right - left > 160 ? `${region.name} ${hex(region.start)} ${formatBytes(region.pages * data.layout.pageSize)}` : region.name;
    ctx.fillText(label, left + 4, (RULER_HEIGHT - 2) / 2);
    ctx.restore();
  }
}
