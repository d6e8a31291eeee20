/**
 * Ticks of the address axis under the heatmaps. The layout leaves the gaps between regions
 * out, so addresses are linear only within a region: ticks sit at region starts and at round
 * hex addresses (a power of two bytes apart, chosen so the labels never crowd) inside each
 * visible region, and a tick is kept only when its label clears the one before.
 */
import { hex } from '../../common/address.js';
import { regionsBetween, type Layout, type LayoutRegion } from './layout.js';
import { pageOfX, xOfPage, type View } from './view.js';

export interface AxisTick {
  /** CSS pixels from the left edge. */
  x: number;
  address: bigint;
  label: string;
  /** The start of a region (drawn taller). */
  regionStart: boolean;
}

/** Width of one character of the axis's monospace labels, in CSS pixels (11px DejaVu Sans Mono and kin). */
export const AXIS_CHAR_WIDTH = 6.7;
const LABEL_GAP = 14;

/** The smallest power of two at least `bytes` (and at least a page). */
function roundStep(bytes: number, pageSize: number): bigint {
  let step = BigInt(pageSize);
  while (Number(step) < bytes) step *= 2n;
  return step;
}

export function addressTicks(layout: Layout, view: View): AxisTick[] {
  if (view.width <= 0 || layout.totalPages === 0) return [];
  const from = Math.max(0, view.start);
  const to = Math.min(layout.totalPages, pageOfX(view, view.width));
  const visible = regionsBetween(layout, from, to).map((i) => layout.regions[i] as LayoutRegion);
  const last = visible[visible.length - 1];
  if (last === undefined) return [];
  const labelWidth = hex(last.end).length * AXIS_CHAR_WIDTH;
  const spacing = labelWidth + LABEL_GAP;
  const size = BigInt(layout.pageSize);
  const step = roundStep(spacing * view.pagesPerPixel * layout.pageSize, layout.pageSize);
  const xOf = (region: LayoutRegion, address: bigint): number => xOfPage(view, region.offset + Number((address - region.start) / size));

  const starts: AxisTick[] = [];
  const inner: AxisTick[] = [];
  for (const region of visible) {
    const x = xOf(region, region.start);
    if (x >= 0) starts.push({ x, address: region.start, label: hex(region.start), regionStart: true });
    // Round addresses inside the region, from the first visible one.
    const firstPage = Math.max(0, Math.floor(from) - region.offset);
    const firstAddress = region.start + BigInt(firstPage) * size;
    for (let address = ((firstAddress + step - 1n) / step) * step; address < region.end; address += step) {
      const tx = xOf(region, address);
      if (tx > view.width) break;
      if (address !== region.start) inner.push({ x: tx, address, label: hex(address), regionStart: false });
    }
  }
  // Region starts first, then round addresses where they fit; each label needs `spacing` to its right.
  const kept: AxisTick[] = [];
  const fits = (tick: AxisTick): boolean => tick.x >= 0 && tick.x + labelWidth <= view.width && kept.every((k) => Math.abs(k.x - tick.x) >= spacing);
  for (const tick of starts) if (fits(tick)) kept.push(tick);
  for (const tick of inner) if (fits(tick)) kept.push(tick);
  return kept.sort((a, b) => a.x - b.x);
}
